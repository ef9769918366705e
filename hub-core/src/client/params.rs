//! Query parameters of the SDK's list calls. The server's own query structs live in
//! `hub-server`; these are their client side, turned into `?name=value` pairs.

/// `?reason=` of the calls that are moderators' actions; nothing when there is none.
pub(super) fn reason_pair(reason: Option<&str>) -> Vec<(&'static str, String)> {
    reason.map(|reason| ("reason", reason.to_owned())).into_iter().collect()
}

/// Paging of a plain list: `?limit=&cursor=`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageParams {
    /// Page size (the server bounds it).
    pub limit: Option<u32>,
    /// The previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageParams {
    /// The first page, at most `limit` items.
    pub fn first(limit: u32) -> Self {
        PageParams {
            limit: Some(limit),
            cursor: None,
        }
    }

    /// The page after the one whose `next_cursor` was `cursor`.
    pub fn after(cursor: impl Into<String>) -> Self {
        PageParams {
            limit: None,
            cursor: Some(cursor.into()),
        }
    }

    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        push(&mut pairs, "limit", self.limit);
        push(&mut pairs, "cursor", self.cursor.as_ref());
        pairs
    }
}

/// `GET /channels/{id}/messages`: newest first, or oldest first with `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryParams {
    /// Messages before this message id, newest first.
    pub before: Option<String>,
    /// Messages after this message id, oldest first.
    pub after: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
}

impl HistoryParams {
    /// The newest `limit` messages.
    pub fn latest(limit: u32) -> Self {
        HistoryParams {
            limit: Some(limit),
            ..HistoryParams::default()
        }
    }

    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        push(&mut pairs, "before", self.before.as_ref());
        push(&mut pairs, "after", self.after.as_ref());
        push(&mut pairs, "limit", self.limit);
        pairs
    }
}

/// `GET /mentions`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionsParams {
    /// Mentions older than this message id.
    pub before: Option<String>,
    /// Only mentions after the read marker.
    pub unread_only: bool,
    /// Page size.
    pub limit: Option<u32>,
}

impl MentionsParams {
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        push(&mut pairs, "before", self.before.as_ref());
        if self.unread_only {
            pairs.push(("unread_only", "true".to_owned()));
        }
        push(&mut pairs, "limit", self.limit);
        pairs
    }
}

fn push(pairs: &mut Vec<(&'static str, String)>, name: &'static str, value: Option<impl ToString>) {
    if let Some(value) = value {
        pairs.push((name, value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_given_parameters_are_sent() {
        assert!(PageParams::default().pairs().is_empty());
        assert_eq!(PageParams::first(20).pairs(), vec![("limit", "20".to_owned())]);
        let history = HistoryParams {
            before: Some("m1".into()),
            ..HistoryParams::latest(10)
        };
        assert_eq!(
            history.pairs(),
            vec![("before", "m1".to_owned()), ("limit", "10".to_owned())]
        );
        let mentions = MentionsParams {
            unread_only: true,
            ..MentionsParams::default()
        };
        assert_eq!(mentions.pairs(), vec![("unread_only", "true".to_owned())]);
    }
}
