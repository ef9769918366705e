//! The forum on screen: the list of posts (score, title, tags, author, comments, age) and an
//! open post with its comment tree, indented by depth, folds shown, the highlighted row marked.

use hub_core::protocol::v1::{CommentView, PostView};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::messages::{pad, wrap};
use super::{composer_height, draw_composer};
use crate::chat::keymap::Mode;
use crate::chat::model::{Model, PostPane};
use crate::theme::Theme;
use crate::triage::ago as age;

/// Draws the forum into `area`.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    match &model.forum.open {
        Some(pane) => draw_post(frame, area, model, pane, theme),
        None => draw_list(frame, area, model, theme),
    }
}

fn draw_list(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let forum = &model.forum;
    let writing = forum.draft_title.is_some();
    let composer_rows = if writing {
        composer_height(&forum.composer, area.width) + 1
    } else {
        0
    };
    let [header, list, composer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(composer_rows),
    ])
    .areas(area);
    let sorts = ["hot", "new", "top"]
        .iter()
        .map(|name| {
            if *name == forum.sort.as_str() {
                format!("[{name}]")
            } else {
                (*name).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" FORUM ", theme.accent()),
            Span::styled(sorts, theme.dim()),
        ])),
        header,
    );
    let mut lines = Vec::new();
    if !forum.loaded {
        lines.push(Line::styled("  loading posts…", theme.dim()));
    } else if forum.posts.is_empty() {
        lines.push(Line::styled("  No posts yet: press w to write the first.", theme.dim()));
    }
    let rows = usize::from(list.height / 2).max(1);
    let first = forum.selected.saturating_sub(rows.saturating_sub(1));
    for (i, post) in forum.posts.iter().enumerate().skip(first).take(rows) {
        lines.extend(post_row(model, post, i == forum.selected, list.width, theme));
    }
    if forum.loading && forum.loaded {
        lines.push(Line::styled("  loading more…", theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(title) = &forum.draft_title {
        let [label, text] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(composer);
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" new post: {title}"), theme.accent())),
            label,
        );
        draw_composer(
            frame,
            text,
            &forum.composer,
            "text> ",
            model.mode == Mode::Insert,
            theme,
        );
    }
}

/// Two lines a post: `▲ 12  Title  [tags]` then `by @bob · 4 comments · 2 h ago`.
fn post_row(model: &Model, post: &PostView, selected: bool, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let marker = if selected { "›" } else { " " };
    let vote = match post.my_vote {
        1 => "▲",
        -1 => "▼",
        _ => " ",
    };
    let title_width = usize::from(width).saturating_sub(10);
    let mut title = vec![
        Span::raw(format!("{marker}{vote}")),
        Span::styled(format!("{:>4}  ", post.score), theme.accent()),
        Span::styled(
            pad(&post.title, title_width.min(post.title.chars().count())),
            if selected { theme.selected() } else { theme.quoted() },
        ),
    ];
    if !post.tags.is_empty() {
        title.push(Span::styled(format!("  [{}]", post.tags.join(", ")), theme.dim()));
    }
    let comments = if post.comment_count == 1 { "comment" } else { "comments" };
    let byline = format!(
        "         by {} · {} {comments} · {}",
        model.name_of(post.author_id.as_ref()),
        post.comment_count,
        age(model.now, post.created_at)
    );
    vec![Line::from(title), Line::styled(byline, theme.dim())]
}

fn draw_post(frame: &mut Frame, area: Rect, model: &Model, pane: &PostPane, theme: &Theme) {
    let writing = model.mode == Mode::Insert;
    let composer_rows = composer_height(&pane.composer, area.width);
    let [body, composer] = Layout::vertical([Constraint::Min(1), Constraint::Length(composer_rows)]).areas(area);
    let width = usize::from(body.width);
    let post = &pane.post;
    let post_selected = pane.selected.is_none();
    let vote = match post.my_vote {
        1 => "▲",
        -1 => "▼",
        _ => " ",
    };
    let mut lines = vec![Line::from(vec![
        Span::raw(if post_selected { "›" } else { " " }),
        Span::raw(vote),
        Span::styled(format!("{:>4}  ", post.score), theme.accent()),
        Span::styled(post.title.clone(), theme.quoted()),
    ])];
    lines.push(Line::styled(
        format!(
            "       by {} · {} · {} up, {} down{}",
            model.name_of(post.author_id.as_ref()),
            age(model.now, post.created_at),
            post.upvotes,
            post.downvotes,
            if post.tags.is_empty() {
                String::new()
            } else {
                format!(" · [{}]", post.tags.join(", "))
            }
        ),
        theme.dim(),
    ));
    let text = if post.deleted {
        "(post deleted)".to_owned()
    } else {
        post.body.clone()
    };
    for chunk in wrap(&text, width.saturating_sub(2).max(10)) {
        lines.push(Line::raw(format!("  {chunk}")));
    }
    let count = post.comment_count;
    lines.push(Line::styled(
        format!("── {count} {} ", if count == 1 { "comment" } else { "comments" }),
        theme.dim(),
    ));
    if !pane.loaded {
        lines.push(Line::styled("  loading comments…", theme.dim()));
    }
    let mut selected_line = 0;
    for comment in pane.visible() {
        let selected = pane.selected.as_ref() == Some(&comment.id);
        if selected {
            selected_line = lines.len();
        }
        lines.extend(comment_lines(model, pane, comment, selected, width, theme));
    }
    // Keep the highlighted comment in view.
    let height = usize::from(body.height);
    let skip = (selected_line + 3).saturating_sub(height);
    let lines: Vec<Line<'static>> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Paragraph::new(lines), body);
    let prompt = match pane.replying_to.as_ref().filter(|_| writing) {
        Some(_) => "reply> ",
        None => "comment> ",
    };
    draw_composer(frame, composer, &pane.composer, prompt, writing, theme);
}

fn comment_lines(
    model: &Model,
    pane: &PostPane,
    comment: &CommentView,
    selected: bool,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let indent = usize::try_from(comment.depth).unwrap_or(0).min(8) * 2 + 2;
    let folded = pane.collapsed.contains(&comment.id);
    let author = if comment.hidden {
        "(hidden)".to_owned()
    } else {
        model.name_of(comment.author_id.as_ref())
    };
    let vote = match comment.my_vote {
        1 => "▲",
        -1 => "▼",
        _ => "",
    };
    let fold = if folded && comment.reply_count > 0 {
        format!(" [+{} folded]", comment.reply_count)
    } else {
        String::new()
    };
    let head = Line::from(vec![
        Span::raw(format!(
            "{}{}",
            if selected { "›" } else { " " },
            " ".repeat(indent - 1)
        )),
        Span::styled(author.clone(), theme.author(&author)),
        Span::styled(
            format!(
                "  {vote}{} · {}{fold}",
                comment.score,
                age(model.now, comment.created_at)
            ),
            theme.dim(),
        ),
    ]);
    let mut lines = vec![if selected { head.style(theme.selected()) } else { head }];
    let text = if comment.deleted {
        "(comment deleted)".to_owned()
    } else if comment.hidden {
        "(from someone you mute or block)".to_owned()
    } else {
        comment.body.clone()
    };
    for chunk in wrap(&text, width.saturating_sub(indent + 2).max(10)) {
        lines.push(Line::raw(format!("{}{chunk}", " ".repeat(indent + 2))));
    }
    lines
}
