//! The forum's keys and news: the list of posts (order, votes, paging), an open post (its
//! comment tree, folds, comments), and live posts, comments and scores from the gateway.

use hub_core::model::{PostId, ReportTarget};
use hub_core::protocol::v1::{ChannelEvent, VoteView};

use super::say;
use crate::chat::action::{Action, Effect, VoteTarget};
use crate::chat::keymap::{Command, Mode};
use crate::chat::model::{Composer, Forum, Model, Overlay, Place, PostPane, Prompt, PromptKind};

/// Runs a command while the forum is on screen; `None` when it is not the forum's to run.
pub(super) fn run(model: &mut Model, command: Command) -> Option<Vec<Effect>> {
    let open = model.forum.open.is_some();
    let effects = match command {
        Command::Forum if model.place == Place::Forum => {
            model.place = Place::Chat;
            Vec::new()
        }
        Command::Forum => {
            model.place = Place::Forum;
            model.forum.new_posts = 0;
            Vec::new()
        }
        _ if model.place != Place::Forum || model.mode != Mode::Normal => return None,
        Command::Up | Command::Down => {
            let by = if command == Command::Up { -1 } else { 1 };
            match &mut model.forum.open {
                Some(pane) => pane.move_selection(by),
                None => return Some(move_in_list(&mut model.forum, by)),
            }
            Vec::new()
        }
        Command::Sort => {
            model.forum.sort = Forum::next_sort(model.forum.sort);
            model.forum.loaded = false;
            model.forum.selected = 0;
            Vec::new()
        }
        Command::Refresh => {
            model.forum.loaded = false;
            Vec::new()
        }
        Command::OpenPost => match model.forum.posts.get(model.forum.selected) {
            Some(post) => {
                let id = post.id.clone();
                model.forum.open = Some(PostPane::new(post.clone()));
                vec![Effect::LoadComments(id)]
            }
            None => Vec::new(),
        },
        Command::Back if open => {
            model.forum.open = None;
            Vec::new()
        }
        Command::VoteUp | Command::VoteDown => {
            let up = command == Command::VoteUp;
            match vote_target(model) {
                Some((target, my_vote)) => {
                    let wanted = if up { 1 } else { -1 };
                    // The same vote again takes it back.
                    let value = if my_vote == wanted { 0 } else { wanted };
                    vec![Effect::Vote { target, value }]
                }
                None => Vec::new(),
            }
        }
        Command::Collapse => {
            if let Some(pane) = &mut model.forum.open
                && let Some(id) = pane.selected.clone()
                && !pane.collapsed.remove(&id)
            {
                pane.collapsed.insert(id);
            }
            Vec::new()
        }
        Command::Comment if open => {
            if let Some(pane) = &mut model.forum.open {
                pane.replying_to = pane.selected.clone();
            }
            model.mode = Mode::Insert;
            Vec::new()
        }
        Command::WritePost => {
            model.overlay = Some(Overlay::Prompt(Prompt {
                kind: PromptKind::PostTitle,
                question: "The new post's title:".to_owned(),
                answer: Composer::default(),
            }));
            Vec::new()
        }
        Command::Report if open => {
            let (target_type, target_id, what) = match model.forum.open.as_ref().and_then(|pane| pane.selected.clone())
            {
                Some(comment) => (ReportTarget::Comment, comment.to_string(), "comment"),
                None => match &model.forum.open {
                    Some(pane) => (ReportTarget::Post, pane.post.id.to_string(), "post"),
                    None => return Some(Vec::new()),
                },
            };
            model.overlay = Some(Overlay::Prompt(Prompt {
                kind: PromptKind::Report { target_type, target_id },
                question: format!("Why report this {what}? (spam, harassment, … and your words)"),
                answer: Composer::default(),
            }));
            Vec::new()
        }
        _ => return None,
    };
    Some(effects)
}

fn move_in_list(forum: &mut Forum, by: isize) -> Vec<Effect> {
    let last = forum.posts.len().saturating_sub(1);
    let wanted = forum.selected.saturating_add_signed(by);
    forum.selected = wanted.min(last);
    // Past the last post, the next page.
    if wanted > last
        && !forum.loading
        && let Some(cursor) = forum.next_cursor.clone()
    {
        forum.loading = true;
        return vec![Effect::LoadPosts {
            sort: forum.sort,
            cursor: Some(cursor),
        }];
    }
    Vec::new()
}

/// What `+`/`-` vote on, and the user's vote on it now.
fn vote_target(model: &Model) -> Option<(VoteTarget, i64)> {
    match &model.forum.open {
        Some(pane) => match &pane.selected {
            Some(id) => {
                let comment = pane.comments.iter().find(|comment| &comment.id == id)?;
                Some((VoteTarget::Comment(id.clone()), comment.my_vote))
            }
            None => Some((VoteTarget::Post(pane.post.id.clone()), pane.post.my_vote)),
        },
        None => {
            let post = model.forum.posts.get(model.forum.selected)?;
            Some((VoteTarget::Post(post.id.clone()), post.my_vote))
        }
    }
}

/// Enter in the forum's composer: the comment, or the new post's text.
pub(super) fn send(model: &mut Model) -> Vec<Effect> {
    if let Some(pane) = &mut model.forum.open {
        let body = pane.composer.take();
        model.mode = Mode::Normal;
        if body.trim().is_empty() {
            return Vec::new();
        }
        say(model, "commenting…");
        let Some(pane) = &mut model.forum.open else {
            return Vec::new();
        };
        return vec![Effect::WriteComment {
            post_id: pane.post.id.clone(),
            parent_id: pane.replying_to.take(),
            body,
        }];
    }
    let Some(title) = model.forum.draft_title.take() else {
        model.mode = Mode::Normal;
        return Vec::new();
    };
    let body = model.forum.composer.take();
    model.mode = Mode::Normal;
    say(model, "posting…");
    vec![Effect::WritePost { title, body }]
}

/// The title prompt answered: the text is typed next.
pub(super) fn titled(model: &mut Model, title: String) {
    model.forum.draft_title = Some(title);
    model.mode = Mode::Insert;
    say(model, "now the post's text: Enter posts it (Alt-Enter for a new line)");
}

/// Fetches the first page when the forum is on screen without one.
pub(super) fn settle(model: &mut Model, effects: &mut Vec<Effect>) {
    let forum = &mut model.forum;
    if model.place == Place::Forum && !forum.loaded && !forum.loading {
        forum.loading = true;
        effects.push(Effect::LoadPosts {
            sort: forum.sort,
            cursor: None,
        });
    }
}

/// Forum news from the network; `None` when the action is not the forum's.
pub(super) fn on_network(model: &mut Model, action: Action) -> Result<Vec<Effect>, Action> {
    let forum = &mut model.forum;
    match action {
        Action::PostsLoaded {
            sort,
            posts,
            next_cursor,
            more,
        } => {
            if sort != forum.sort {
                return Ok(Vec::new());
            }
            if more {
                forum.posts.extend(posts);
            } else {
                forum.posts = posts;
                forum.selected = forum.selected.min(forum.posts.len().saturating_sub(1));
            }
            forum.next_cursor = next_cursor;
            forum.loaded = true;
            forum.loading = false;
        }
        Action::CommentsLoaded { post_id, comments } => {
            if let Some(pane) = &mut forum.open
                && pane.post.id == post_id
            {
                pane.comments = comments;
                pane.loaded = true;
            }
        }
        Action::Voted { target, vote } => apply_vote(forum, &target, &vote, true),
        Action::PostWritten(post) => {
            let post = *post;
            forum.posts.retain(|held| held.id != post.id);
            forum.posts.insert(0, post.clone());
            forum.selected = 0;
            forum.open = Some(PostPane::new(post.clone()));
            say(model, "posted");
            return Ok(vec![Effect::LoadComments(post.id)]);
        }
        Action::CommentWritten(comment) => {
            let comment = *comment;
            let post_id = comment.post_id.clone();
            if let Some(pane) = &mut forum.open
                && pane.post.id == post_id
            {
                pane.selected = Some(comment.id.clone());
                pane.insert(comment);
            }
            say(model, "commented");
        }
        other => return Err(other),
    }
    Ok(Vec::new())
}

fn apply_vote(forum: &mut Forum, target: &VoteTarget, vote: &VoteView, mine: bool) {
    match target {
        VoteTarget::Post(id) => {
            for post in forum.post_mut(id) {
                post.score = vote.score;
                post.upvotes = vote.upvotes;
                post.downvotes = vote.downvotes;
                if mine {
                    post.my_vote = vote.my_vote;
                }
            }
        }
        VoteTarget::Comment(id) => {
            if let Some(comment) = forum
                .open
                .as_mut()
                .and_then(|pane| pane.comments.iter_mut().find(|comment| &comment.id == id))
            {
                comment.score = vote.score;
                comment.upvotes = vote.upvotes;
                comment.downvotes = vote.downvotes;
                if mine {
                    comment.my_vote = vote.my_vote;
                }
            }
        }
    }
}

/// A forum event from the gateway: live posts, comments and scores.
pub(super) fn on_event(model: &mut Model, event: ChannelEvent) {
    let forum = &mut model.forum;
    match event {
        ChannelEvent::PostCreated { post } => {
            if forum.posts.iter().any(|held| held.id == post.id) {
                return;
            }
            if model.place != Place::Forum {
                forum.new_posts += 1;
            }
            // Newest first in `new`; elsewhere it waits for its place at the next fetch.
            if forum.loaded && forum.sort == hub_core::model::PostSort::New {
                forum.posts.insert(0, post);
                if forum.selected > 0 {
                    forum.selected += 1;
                }
            }
        }
        ChannelEvent::PostUpdated { post } => {
            let id = post.id.clone();
            for held in forum.post_mut(&id) {
                let my_vote = held.my_vote;
                *held = post.clone();
                held.my_vote = my_vote;
            }
        }
        ChannelEvent::PostDeleted { post_id } => {
            forum.posts.retain(|post| post.id != post_id);
            forum.selected = forum.selected.min(forum.posts.len().saturating_sub(1));
            if let Some(pane) = &mut forum.open
                && pane.post.id == post_id
            {
                pane.post.deleted = true;
            }
        }
        ChannelEvent::CommentCreated { comment } => {
            bump_comments(forum, &comment.post_id, 1);
            if let Some(pane) = &mut forum.open
                && pane.post.id == comment.post_id
                && !pane.comments.iter().any(|held| held.id == comment.id)
            {
                pane.insert(comment);
            }
        }
        ChannelEvent::CommentUpdated { comment } => {
            if let Some(held) = forum
                .open
                .as_mut()
                .and_then(|pane| pane.comments.iter_mut().find(|held| held.id == comment.id))
            {
                let my_vote = held.my_vote;
                *held = comment;
                held.my_vote = my_vote;
            }
        }
        ChannelEvent::CommentDeleted { comment_id, post_id } => {
            bump_comments(forum, &post_id, -1);
            if let Some(held) = forum
                .open
                .as_mut()
                .and_then(|pane| pane.comments.iter_mut().find(|held| held.id == comment_id))
            {
                held.deleted = true;
                held.body.clear();
            }
        }
        ChannelEvent::VoteChanged {
            target_type,
            target_id,
            score,
            upvotes,
            downvotes,
        } => {
            let target = if target_type == "comment" {
                VoteTarget::Comment(target_id.into())
            } else {
                VoteTarget::Post(target_id.into())
            };
            let vote = VoteView {
                score,
                upvotes,
                downvotes,
                my_vote: 0,
            };
            apply_vote(forum, &target, &vote, false);
        }
        _ => {}
    }
}

fn bump_comments(forum: &mut Forum, post_id: &PostId, by: i64) {
    for post in forum.post_mut(post_id) {
        post.comment_count = (post.comment_count + by).max(0);
    }
}
