//! What `hub seed` will make, decided up front from the seed alone: the same `--seed` gives the
//! same people, channels, messages, threads, reactions, conversations, posts and reports.

use fastrand::Rng;
use hub_core::model::ReportReason;

use super::words::*;

/// How much to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Accounts.
    pub users: usize,
    /// Channels.
    pub channels: usize,
    /// Chat messages (about a tenth of them in direct conversations).
    pub messages: usize,
    /// Forum posts.
    pub posts: usize,
    /// Reports of channel messages [default: one per 500 channel messages, at least three].
    pub reports: Option<usize>,
}

/// Everything to make, by index: `author: 3` is the fourth of `users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub users: Vec<PlannedUser>,
    pub channels: Vec<PlannedChannel>,
    pub dms: Vec<PlannedDm>,
    pub posts: Vec<PlannedPost>,
    pub reports: Vec<PlannedReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUser {
    pub username: String,
    pub full_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChannel {
    pub name: String,
    pub topic: String,
    pub description: String,
    pub private: bool,
    /// The first is the owner.
    pub members: Vec<usize>,
    pub messages: Vec<PlannedMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMessage {
    pub author: usize,
    pub text: String,
    /// A reply in the thread of this earlier message (by index in the same conversation).
    pub parent: Option<usize>,
    /// (who, reaction code)
    pub reactions: Vec<(usize, &'static str)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDm {
    /// Asks for the conversation (a chat request the other accepts).
    pub from: usize,
    pub to: usize,
    pub messages: Vec<PlannedMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPost {
    pub author: usize,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub comments: Vec<PlannedComment>,
    /// (who, +1 or -1)
    pub votes: Vec<(usize, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedComment {
    pub author: usize,
    pub body: String,
    /// A reply to this earlier comment of the same post.
    pub parent: Option<usize>,
    pub votes: Vec<(usize, i64)>,
}

/// A report of a channel message by one of the channel's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedReport {
    pub reporter: usize,
    pub channel: usize,
    pub message: usize,
    pub reason: ReportReason,
    pub details: String,
}

impl Plan {
    /// The plan for `sizes` and `seed`.
    pub fn new(sizes: Sizes, seed: u64) -> Plan {
        let mut rng = Rng::with_seed(seed);
        let users = users(&mut rng, sizes.users);
        let dm_messages = if sizes.users >= 2 { sizes.messages / 10 } else { 0 };
        let mut channels = channels(&mut rng, sizes.channels, users.len());
        fill_channels(&mut rng, &mut channels, &users, sizes.messages - dm_messages);
        let dms = dms(&mut rng, users.len(), dm_messages, &users);
        let posts = (0..sizes.posts).map(|_| post(&mut rng, users.len())).collect();
        let reports = reports(&mut rng, &channels, sizes.reports);
        Plan {
            users,
            channels,
            dms,
            posts,
            reports,
        }
    }

    /// Chat messages in the plan (channels and direct conversations).
    pub fn message_count(&self) -> usize {
        self.channels.iter().map(|c| c.messages.len()).sum::<usize>()
            + self.dms.iter().map(|dm| dm.messages.len()).sum::<usize>()
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn users(rng: &mut Rng, count: usize) -> Vec<PlannedUser> {
    let mut taken = std::collections::HashSet::new();
    (0..count)
        .map(|index| {
            let (first, last) = (pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
            let mut username = format!("{first}.{last}");
            if !taken.insert(username.clone()) {
                username = format!("{first}.{last}{index}");
                taken.insert(username.clone());
            }
            let capital = |word: &str| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            };
            PlannedUser {
                username,
                full_name: format!("{} {}", capital(first), capital(last)),
            }
        })
        .collect()
}

fn channels(rng: &mut Rng, count: usize, users: usize) -> Vec<PlannedChannel> {
    (0..count)
        .map(|index| {
            let (base, topic, description) = CHANNELS[index % CHANNELS.len()];
            let name = match index / CHANNELS.len() {
                0 => base.to_owned(),
                round => format!("{base}-{}", round + 1),
            };
            // The first channel has everyone; the others a share of the people, owner first.
            let mut members: Vec<usize> = if index == 0 {
                (0..users).collect()
            } else {
                let share = 0.2 + rng.f64() * 0.4;
                (0..users).filter(|_| rng.f64() < share).collect()
            };
            if members.is_empty() && users > 0 {
                members.push(rng.usize(..users));
            }
            rng.shuffle(&mut members);
            PlannedChannel {
                name,
                topic: topic.to_owned(),
                description: description.to_owned(),
                private: index % 5 == 4,
                members,
                messages: Vec::new(),
            }
        })
        .collect()
}

fn fill_channels(rng: &mut Rng, channels: &mut [PlannedChannel], users: &[PlannedUser], total: usize) {
    if channels.is_empty() || users.is_empty() {
        return;
    }
    // Busier channels first: weight 1/(rank+1), like real communities.
    let weights: Vec<f64> = (0..channels.len()).map(|rank| 1.0 / (rank as f64 + 1.0)).collect();
    let sum: f64 = weights.iter().sum();
    let mut left = total;
    for (index, channel) in channels.iter_mut().enumerate() {
        let share = if index + 1 == weights.len() {
            left
        } else {
            ((total as f64) * weights[index] / sum).round() as usize
        }
        .min(left);
        left -= share;
        channel.messages = conversation(rng, &channel.members, users, share);
    }
}

fn conversation(rng: &mut Rng, members: &[usize], users: &[PlannedUser], count: usize) -> Vec<PlannedMessage> {
    let mut messages: Vec<PlannedMessage> = Vec::with_capacity(count);
    let mut top_level: Vec<usize> = Vec::new();
    for index in 0..count {
        let author = pick(rng, members);
        let parent = (!top_level.is_empty() && rng.f64() < 0.12).then(|| {
            let recent = &top_level[top_level.len().saturating_sub(20)..];
            pick(rng, recent)
        });
        let mut text = if parent.is_some() {
            pick(rng, REPLIES).to_owned()
        } else {
            format!(
                "{} {} {}{}",
                pick(rng, OPENERS),
                pick(rng, SUBJECTS),
                pick(rng, PREDICATES),
                pick(rng, CLOSERS)
            )
        };
        if members.len() > 1 && rng.f64() < 0.08 {
            let other = pick(rng, members);
            if other != author {
                text = format!("@{} {text}", users[other].username);
            }
        }
        let mut reactions = Vec::new();
        if rng.f64() < 0.1 {
            for _ in 0..rng.usize(1..=3) {
                let who = pick(rng, members);
                let code = pick(rng, REACTIONS);
                if !reactions.contains(&(who, code)) {
                    reactions.push((who, code));
                }
            }
        }
        if parent.is_none() {
            top_level.push(index);
        }
        messages.push(PlannedMessage {
            author,
            text,
            parent,
            reactions,
        });
    }
    messages
}

fn dms(rng: &mut Rng, users: usize, total: usize, names: &[PlannedUser]) -> Vec<PlannedDm> {
    if users < 2 || total == 0 {
        return Vec::new();
    }
    let mut pairs = std::collections::HashSet::new();
    let mut dms = Vec::new();
    let mut left = total;
    let wanted = (users / 2).max(1);
    for _ in 0..wanted * 4 {
        if left == 0 || dms.len() == wanted {
            break;
        }
        let (from, to) = (rng.usize(..users), rng.usize(..users));
        if from == to || !pairs.insert((from.min(to), from.max(to))) {
            continue;
        }
        let count = if dms.len() + 1 == wanted {
            left
        } else {
            (total / wanted).max(1).min(left)
        };
        left -= count;
        dms.push(PlannedDm {
            from,
            to,
            messages: conversation(rng, &[from, to], names, count),
        });
    }
    dms
}

fn votes(rng: &mut Rng, users: usize, author: usize) -> Vec<(usize, i64)> {
    let mut voters: Vec<usize> = (0..users).filter(|&user| user != author && rng.f64() < 0.3).collect();
    voters.truncate(40);
    voters
        .into_iter()
        .map(|user| (user, if rng.f64() < 0.8 { 1 } else { -1 }))
        .collect()
}

fn post(rng: &mut Rng, users: usize) -> PlannedPost {
    let author = rng.usize(..users.max(1));
    let mut comments: Vec<PlannedComment> = Vec::new();
    for index in 0..rng.usize(0..=8) {
        // Up to three levels: a reply goes to a comment that is not itself two deep.
        let parent = (index > 0 && rng.f64() < 0.5)
            .then(|| rng.usize(..index))
            .filter(|&parent| {
                comments[parent]
                    .parent
                    .is_none_or(|grand| comments[grand].parent.is_none())
            });
        let author = rng.usize(..users.max(1));
        comments.push(PlannedComment {
            author,
            body: format!("{} {}", pick(rng, REPLIES), pick(rng, CLOSERS))
                .trim()
                .to_owned(),
            parent,
            votes: votes(rng, users, author),
        });
    }
    let mut tags: Vec<String> = (0..rng.usize(0..=2)).map(|_| pick(rng, TAGS).to_owned()).collect();
    tags.dedup();
    PlannedPost {
        author,
        title: pick(rng, POST_TITLES).to_owned(),
        body: pick(rng, POST_BODIES).to_owned(),
        tags,
        comments,
        votes: votes(rng, users, author),
    }
}

/// `wanted` reports (by default one per 500 channel messages, at least three), each by a member
/// of the message's channel who did not write it, each (reporter, message) once.
fn reports(rng: &mut Rng, channels: &[PlannedChannel], wanted: Option<usize>) -> Vec<PlannedReport> {
    let total: usize = channels.iter().map(|channel| channel.messages.len()).sum();
    if total == 0 {
        return Vec::new();
    }
    let wanted = wanted.unwrap_or((total / 500).max(3));
    let reasons = [
        ReportReason::Spam,
        ReportReason::Harassment,
        ReportReason::Other,
        ReportReason::Hate,
        ReportReason::Spam,
    ];
    let mut taken = std::collections::HashSet::new();
    let mut reports = Vec::with_capacity(wanted);
    // Give up after many misses: a tiny hub may not have `wanted` distinct pairs.
    for _ in 0..wanted.saturating_mul(20) {
        if reports.len() == wanted {
            break;
        }
        let channel = rng.usize(..channels.len());
        let planned = &channels[channel];
        if planned.messages.is_empty() || planned.members.len() < 2 {
            continue;
        }
        let message = rng.usize(..planned.messages.len());
        let reporter = pick(rng, &planned.members);
        if reporter == planned.messages[message].author || !taken.insert((reporter, channel, message)) {
            continue;
        }
        reports.push(PlannedReport {
            reporter,
            channel,
            message,
            reason: pick(rng, &reasons),
            details: "this does not belong here".to_owned(),
        });
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZES: Sizes = Sizes {
        users: 40,
        channels: 8,
        messages: 3000,
        posts: 12,
        reports: None,
    };

    #[test]
    fn the_same_seed_gives_the_same_plan() {
        assert_eq!(Plan::new(SIZES, 7), Plan::new(SIZES, 7));
    }

    #[test]
    fn another_seed_gives_another_plan() {
        assert_ne!(Plan::new(SIZES, 7), Plan::new(SIZES, 8));
    }

    #[test]
    fn the_plan_makes_what_was_asked() {
        let plan = Plan::new(SIZES, 1);
        assert_eq!(plan.users.len(), 40);
        assert_eq!(plan.channels.len(), 8);
        assert_eq!(plan.message_count(), 3000);
        assert_eq!(plan.posts.len(), 12);
        assert!(!plan.dms.is_empty());
        assert_eq!(plan.reports.len(), 5, "one per 500 channel messages (2,700 of them)");
        let asked = Plan::new(
            Sizes {
                reports: Some(100),
                ..SIZES
            },
            1,
        );
        assert_eq!(asked.reports.len(), 100);
    }

    #[test]
    fn usernames_and_channel_names_are_unique() {
        let plan = Plan::new(
            Sizes {
                users: 500,
                channels: 45,
                ..SIZES
            },
            3,
        );
        let mut names: Vec<&str> = plan.users.iter().map(|user| user.username.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 500);
        let mut channels: Vec<&str> = plan.channels.iter().map(|channel| channel.name.as_str()).collect();
        channels.sort_unstable();
        channels.dedup();
        assert_eq!(channels.len(), 45);
    }

    #[test]
    fn every_author_belongs_where_they_write_and_threads_point_back() {
        let plan = Plan::new(SIZES, 5);
        for channel in &plan.channels {
            for (index, message) in channel.messages.iter().enumerate() {
                assert!(channel.members.contains(&message.author));
                if let Some(parent) = message.parent {
                    assert!(parent < index, "a reply follows its parent");
                    assert_eq!(channel.messages[parent].parent, None, "threads are one level");
                }
            }
        }
        for post in &plan.posts {
            for (index, comment) in post.comments.iter().enumerate() {
                assert!(comment.parent.is_none_or(|parent| parent < index));
            }
        }
    }
}
