//! The forum as the client holds it: a page of posts in one order, and the post that is open
//! with its comment tree (depth first, as the server sends it), folds and the comment composer.

use std::collections::BTreeSet;

use hub_core::model::{CommentId, PostId, PostSort};
use hub_core::protocol::v1::{CommentView, PostView};

use super::Composer;

/// The forum's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Forum {
    /// Hot, new or top.
    pub sort: PostSort,
    /// The posts listed, in `sort` order.
    pub posts: Vec<PostView>,
    /// Whether the first page has arrived.
    pub loaded: bool,
    /// A page is on its way.
    pub loading: bool,
    /// Where the next page starts (none: the end).
    pub next_cursor: Option<String>,
    /// The highlighted post.
    pub selected: usize,
    /// Posts written since the list was loaded (the sidebar's "2 new").
    pub new_posts: usize,
    /// The post being read.
    pub open: Option<PostPane>,
    /// The title of a post being written (its body is typed in the composer).
    pub draft_title: Option<String>,
    /// The composer for a new post's body.
    pub composer: Composer,
}

impl Default for Forum {
    fn default() -> Forum {
        Forum {
            sort: PostSort::Hot,
            posts: Vec::new(),
            loaded: false,
            loading: false,
            next_cursor: None,
            selected: 0,
            new_posts: 0,
            open: None,
            draft_title: None,
            composer: Composer::default(),
        }
    }
}

impl Forum {
    /// The next order for `s`: hot → new → top → hot.
    pub fn next_sort(sort: PostSort) -> PostSort {
        match sort {
            PostSort::Hot => PostSort::New,
            PostSort::New => PostSort::Top,
            PostSort::Top => PostSort::Hot,
        }
    }

    /// A post listed or open, to update.
    pub fn post_mut(&mut self, id: &PostId) -> impl Iterator<Item = &mut PostView> {
        let open = self
            .open
            .as_mut()
            .map(|pane| &mut pane.post)
            .filter(|post| &post.id == id);
        self.posts.iter_mut().filter(move |post| &post.id == id).chain(open)
    }
}

/// An open post.
#[derive(Debug, Clone, PartialEq)]
pub struct PostPane {
    /// The post.
    pub post: PostView,
    /// Its comments, depth first.
    pub comments: Vec<CommentView>,
    /// Whether they have arrived.
    pub loaded: bool,
    /// Comments whose replies are folded away.
    pub collapsed: BTreeSet<CommentId>,
    /// The highlighted comment (none: the post itself).
    pub selected: Option<CommentId>,
    /// The comment being written.
    pub composer: Composer,
    /// The comment it answers (none: the post).
    pub replying_to: Option<CommentId>,
}

impl PostPane {
    /// A pane for `post`, its comments still to come.
    pub fn new(post: PostView) -> PostPane {
        PostPane {
            post,
            comments: Vec::new(),
            loaded: false,
            collapsed: BTreeSet::new(),
            selected: None,
            composer: Composer::default(),
            replying_to: None,
        }
    }

    /// The comments on screen: those under a folded comment are left out.
    pub fn visible(&self) -> Vec<&CommentView> {
        let mut shown = Vec::new();
        let mut folded_below: Option<i64> = None;
        for comment in &self.comments {
            if let Some(depth) = folded_below {
                if comment.depth > depth {
                    continue;
                }
                folded_below = None;
            }
            if self.collapsed.contains(&comment.id) {
                folded_below = Some(comment.depth);
            }
            shown.push(comment);
        }
        shown
    }

    /// Adds a comment where the tree puts it: after its parent's replies, or at the end.
    pub fn insert(&mut self, comment: CommentView) {
        if let Some(held) = self.comments.iter_mut().find(|held| held.id == comment.id) {
            *held = comment;
            return;
        }
        let Some(parent_at) = comment
            .parent_id
            .as_ref()
            .and_then(|parent| self.comments.iter().position(|held| &held.id == parent))
        else {
            self.comments.push(comment);
            return;
        };
        let parent_depth = self.comments[parent_at].depth;
        self.comments[parent_at].reply_count += 1;
        let mut at = parent_at + 1;
        while at < self.comments.len() && self.comments[at].depth > parent_depth {
            at += 1;
        }
        self.comments.insert(at, comment);
    }

    /// Moves the highlight among the visible comments (`by` negative: up; above the first is
    /// the post).
    pub fn move_selection(&mut self, by: isize) {
        let visible: Vec<CommentId> = self.visible().iter().map(|comment| comment.id.clone()).collect();
        // Position 0 is the post, then the comments.
        let at = self
            .selected
            .as_ref()
            .and_then(|id| visible.iter().position(|shown| shown == id))
            .map_or(0, |i| i + 1);
        let moved = at.saturating_add_signed(by).min(visible.len());
        self.selected = moved.checked_sub(1).map(|i| visible[i].clone());
    }
}
