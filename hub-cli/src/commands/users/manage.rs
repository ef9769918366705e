//! `hub users show|promote|demote|suspend|restore|delete|sessions` over the API, as a site
//! admin. What they change lands in the audit log with `--reason`; `suspend`, `delete` and
//! `sessions revoke` ask first (or need `--yes` without a terminal).

use hub_core::model::SessionId;
use hub_core::protocol::v1::{AdminUserView, SessionView, SuspendRequest};

use crate::args::{
    DeleteUserArgs, Format, RestoreUserArgs, RevokeSessionsArgs, RoleArgs, ShowUserArgs, SuspendUserArgs,
};
use crate::confirm::confirm;
use crate::profiles::signed_in;
use crate::{output, table, targets};

fn name(user: &AdminUserView) -> String {
    format!("@{}", user.account.profile.username)
}

/// `hub users show`.
pub async fn show(args: ShowUserArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let user = client.admin_user(&targets::user(&client, &args.target).await?).await?;
    match args.format {
        Format::Json | Format::Jsonl => output::json(&user, args.format)?,
        Format::Table => print!("{}", describe(&user)),
    }
    Ok(())
}

/// An account as an admin reads it, one fact a line.
fn describe(user: &AdminUserView) -> String {
    let profile = &user.account.profile;
    let mut out = format!("{} ({})\n", name(user), profile.id);
    let mut fact = |label: &str, value: String| out.push_str(&format!("  {label:<11} {value}\n"));
    if !profile.full_name.is_empty() {
        fact("name:", profile.full_name.clone());
    }
    if let Some(email) = &user.account.email {
        fact("email:", email.clone());
    }
    fact(
        "role:",
        if user.account.is_superuser {
            "site admin"
        } else {
            "member"
        }
        .to_owned(),
    );
    fact(
        "suspended:",
        match (user.is_suspended, user.suspended_until) {
            (false, _) => "no".to_owned(),
            (true, Some(until)) => format!("until {}", until.format("%Y-%m-%d %H:%M UTC")),
            (true, None) => "yes, until restored".to_owned(),
        },
    );
    fact("joined:", profile.created_at.format("%Y-%m-%d %H:%M UTC").to_string());
    fact(
        "last seen:",
        profile
            .last_seen_at
            .map_or("never".to_owned(), |at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
    );
    if profile.is_bot {
        fact("bot:", "yes".to_owned());
    }
    out
}

/// `hub users promote` (`true`) and `hub users demote`.
pub async fn set_site_admin(args: RoleArgs, is_admin: bool) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::user(&client, &args.target).await?;
    let user = client.set_site_admin(&id, is_admin, &args.reason).await?;
    if is_admin {
        eprintln!("promoted {}: now a site admin", name(&user));
    } else {
        eprintln!("demoted {}: no longer a site admin", name(&user));
    }
    Ok(())
}

/// `hub users suspend`.
pub async fn suspend(args: SuspendUserArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::user(&client, &args.target).await?;
    let user = client.admin_user(&id).await?;
    let how_long = args
        .duration
        .as_deref()
        .map_or("until restored".to_owned(), |duration| format!("for {duration}"));
    confirm(
        args.yes,
        &format!(
            "Suspend {} {how_long}? They cannot sign in, and their sessions end now.",
            name(&user)
        ),
    )?;
    let request = SuspendRequest {
        duration: args.duration,
        reason: Some(args.reason),
    };
    let user = client.suspend_user(&id, &request).await?;
    eprintln!("suspended {} {how_long}", name(&user));
    Ok(())
}

/// `hub users restore`.
pub async fn restore(args: RestoreUserArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::user(&client, &args.target).await?;
    let user = client.restore_user(&id, &args.reason).await?;
    eprintln!("restored {}: they can sign in again", name(&user));
    Ok(())
}

/// `hub users delete`.
pub async fn delete(args: DeleteUserArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::user(&client, &args.target).await?;
    let user = client.admin_user(&id).await?;
    confirm(
        args.yes,
        &format!(
            "{}Delete {}? Their content is erased and this cannot be undone.",
            describe(&user),
            name(&user)
        ),
    )?;
    client.delete_user(&id, &args.reason).await?;
    eprintln!("deleted {}", name(&user));
    Ok(())
}

/// `hub users sessions list`.
pub async fn sessions(args: ShowUserArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let sessions = client
        .user_sessions(&targets::user(&client, &args.target).await?)
        .await?;
    match args.format {
        Format::Json | Format::Jsonl => output::list(&sessions, &sessions, args.format)?,
        Format::Table if sessions.is_empty() => eprintln!("no sessions: {} never signed in", args.target),
        Format::Table => print!("{}", session_table(&sessions)),
    }
    Ok(())
}

fn session_table(sessions: &[SessionView]) -> String {
    let at = |time: Option<chrono::DateTime<chrono::Utc>>| {
        time.map_or("-".to_owned(), |time| time.format("%Y-%m-%d %H:%M").to_string())
    };
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|session| {
            vec![
                session.id.to_string(),
                at(Some(session.created_at)),
                at(session.last_refreshed_at),
                match (&session.revoked_at, &session.revoke_reason) {
                    (None, _) => "open".to_owned(),
                    (Some(when), why) => format!(
                        "ended {} ({})",
                        when.format("%Y-%m-%d %H:%M"),
                        why.as_deref().unwrap_or("-")
                    ),
                },
            ]
        })
        .collect();
    table::render(&["ID", "SIGNED IN", "LAST REFRESH", "STATE"], &rows)
}

/// `hub users sessions revoke`.
pub async fn revoke(args: RevokeSessionsArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = targets::user(&client, &args.target).await?;
    match &args.session {
        Some(session) => {
            confirm(
                args.yes,
                &format!("End session {session} of {}? That device is signed out.", args.target),
            )?;
            client
                .revoke_user_session(&id, &SessionId::from(session.as_str()), &args.reason)
                .await?;
            eprintln!("ended session {session} of {}", args.target);
        }
        None => {
            confirm(
                args.yes,
                &format!("End every session of {}? Every device is signed out.", args.target),
            )?;
            let ended = client.revoke_user_sessions(&id, &args.reason).await?;
            eprintln!("ended {} open session(s) of {}", ended.revoked, args.target);
        }
    }
    Ok(())
}
