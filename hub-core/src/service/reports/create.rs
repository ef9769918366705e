//! `create_report`: report a person, a message, a forum post or a comment, keeping what it
//! said then.

use crate::error::{Error, ErrorKind, Result};
use crate::events::BusMessage;
use crate::model::{CommentId, Message, MessageId, PostId, Report, ReportId, ReportStatus, ReportTarget, User, UserId};
use crate::protocol::v1::{
    ControlFrame, CreateReportRequest, EvidenceForum, EvidenceMessage, EvidenceUser, ReportEvidence, ReportView,
};
use crate::rules::reports;
use crate::service::{Caller, Hub, now};

/// Messages of context kept on each side of a reported one.
const CONTEXT_MESSAGES: u32 = 2;

impl Hub {
    /// Reports something the caller can see. One open report per reporter and target (409);
    /// something the caller cannot see does not exist for them (404).
    pub async fn create_report(&self, caller: &Caller, request: CreateReportRequest) -> Result<ReportView> {
        self.charge_action(caller).await?;
        let details = reports::validate_details(
            request.details.as_deref().unwrap_or_default(),
            self.inner.config.limits.max_report_text_length,
        )?;
        let (author, channel, evidence) = match request.target_type {
            ReportTarget::User => {
                let user = self
                    .visible_user(caller, &UserId::from(request.target_id.as_str()))
                    .await?;
                let evidence = ReportEvidence {
                    user: Some(evidence_user(&user)),
                    ..ReportEvidence::default()
                };
                (Some(user.id), None, evidence)
            }
            ReportTarget::Message => {
                let (message, _) = self
                    .readable_message(caller, &MessageId::from(request.target_id.as_str()))
                    .await?;
                if message.deleted_at.is_some() {
                    return Err(Error::new(ErrorKind::Conflict, "this message was deleted").with_field("target_id"));
                }
                let evidence = self.message_evidence(&message).await?;
                (message.author_id.clone(), Some(message.channel_id.clone()), evidence)
            }
            ReportTarget::Post => {
                let post = self.post_by_id(&PostId::from(request.target_id.as_str())).await?;
                if post.deleted_at.is_some() {
                    return Err(Error::new(ErrorKind::Conflict, "this post was deleted").with_field("target_id"));
                }
                let evidence = ReportEvidence {
                    forum: Some(EvidenceForum {
                        id: post.id.to_string(),
                        post_id: post.id.clone(),
                        title: post.title.clone(),
                        body: post.body.clone(),
                        author_id: post.author_id.clone(),
                        author_username: self.username_of(post.author_id.as_ref()).await?,
                        created_at: post.created_at,
                        edited_at: post.edited_at,
                    }),
                    ..ReportEvidence::default()
                };
                (post.author_id, None, evidence)
            }
            ReportTarget::Comment => {
                let comment = self.comment_by_id(&CommentId::from(request.target_id.as_str())).await?;
                if comment.deleted_at.is_some() {
                    return Err(Error::new(ErrorKind::Conflict, "this comment was deleted").with_field("target_id"));
                }
                let post = self.post_by_id(&comment.post_id).await?;
                let evidence = ReportEvidence {
                    forum: Some(EvidenceForum {
                        id: comment.id.to_string(),
                        post_id: post.id,
                        title: post.title,
                        body: comment.body.clone(),
                        author_id: comment.author_id.clone(),
                        author_username: self.username_of(comment.author_id.as_ref()).await?,
                        created_at: comment.created_at,
                        edited_at: comment.edited_at,
                    }),
                    ..ReportEvidence::default()
                };
                (comment.author_id, None, evidence)
            }
        };
        if author.as_ref() == Some(&caller.user.id) {
            return Err(Error::invalid("target_id", "you cannot report yourself"));
        }
        let report = Report {
            id: ReportId::generate(),
            reporter_id: caller.user.id.clone(),
            target_type: request.target_type,
            target_id: request.target_id,
            target_author_id: author,
            channel_id: channel,
            reason: request.reason,
            details,
            evidence: serde_json::to_string(&evidence).map_err(Error::internal)?,
            status: ReportStatus::Open,
            action: None,
            moderator_note: None,
            handled_by: None,
            handled_at: None,
            created_at: now(),
        };
        self.inner.store.insert_report(&report).await?;
        self.tell_moderators(&report).await;
        Ok(ReportView::from(&report))
    }

    /// A user the caller may see: suspended accounts are hidden from all but site admins.
    async fn visible_user(&self, caller: &Caller, id: &UserId) -> Result<User> {
        match self.inner.store.user_by_id(id).await? {
            Some(user) if !user.is_suspended || caller.user.is_superuser => Ok(user),
            _ => Err(Error::not_found("user")),
        }
    }

    /// The reported message, its author and its neighbours, as they are now.
    async fn message_evidence(&self, message: &Message) -> Result<ReportEvidence> {
        let store = &self.inner.store;
        let (before, after) = store.message_context(message, CONTEXT_MESSAGES).await?;
        let author = match &message.author_id {
            Some(author) => store.user_by_id(author).await?,
            None => None,
        };
        let mut evidence = ReportEvidence {
            user: author.as_ref().map(evidence_user),
            message: Some(self.evidence_message(message).await?),
            before: Vec::with_capacity(before.len()),
            after: Vec::with_capacity(after.len()),
            forum: None,
        };
        for neighbour in &before {
            evidence.before.push(self.evidence_message(neighbour).await?);
        }
        for neighbour in &after {
            evidence.after.push(self.evidence_message(neighbour).await?);
        }
        Ok(evidence)
    }

    async fn username_of(&self, author: Option<&UserId>) -> Result<Option<String>> {
        Ok(match author {
            Some(author) => self.inner.store.user_by_id(author).await?.map(|user| user.username),
            None => None,
        })
    }

    async fn evidence_message(&self, message: &Message) -> Result<EvidenceMessage> {
        let author_username = self.username_of(message.author_id.as_ref()).await?;
        Ok(EvidenceMessage {
            id: message.id.clone(),
            author_id: message.author_id.clone(),
            author_username,
            content: message.content.clone(),
            created_at: message.created_at,
            edited_at: message.edited_at,
        })
    }

    /// `report.created` to every connected site admin, with the open count they can show.
    async fn tell_moderators(&self, report: &Report) {
        let store = &self.inner.store;
        let (admins, open) = match (store.site_admin_ids().await, store.open_report_count(None).await) {
            (Ok(admins), Ok(open)) => (admins, open),
            (Err(err), _) | (_, Err(err)) => {
                return tracing::warn!(error = %err, "could not tell moderators of a report");
            }
        };
        let frame = ControlFrame::ReportCreated {
            report_id: report.id.clone(),
            target_type: report.target_type,
            reason: report.reason,
            open_reports: open,
        };
        if let Some(frame) = frame.to_json() {
            self.inner.bus.publish(BusMessage::ToUsers {
                user_ids: admins,
                except_connection: None,
                frame,
            });
        }
    }
}

fn evidence_user(user: &User) -> EvidenceUser {
    EvidenceUser {
        id: user.id.clone(),
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        bio: user.bio.clone(),
        avatar_url: user.avatar_url.clone(),
    }
}
