//! The network worker: it owns the SDK (the REST client and the gateway session), carries out
//! [`Effect`]s and reports back with [`Action`]s over channels, so the screen never waits on
//! the network. A token that expires is renewed with the profile's refresh token (or taken from
//! the profiles file, when the `hub` CLI renewed it first).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hub_core::client::{Backoff, Client, ClientError, SessionEvent, SessionOptions, SessionSender};
use hub_core::protocol::v1::{ClientFrame, ControlFrame, RegisterRequest, ServerFrame};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::action::{Action, Effect};
use crate::profiles::{Profile, Profiles, renew_if_expired};

mod calls;

use calls::call;

/// How the worker signs in.
#[derive(Debug, Clone)]
pub(super) enum Start {
    /// With a saved profile.
    Saved(Profile),
    /// From the login screen (an `Effect::SignIn` comes).
    Login,
}

/// What the worker's tasks share.
pub(super) struct Net {
    client: Mutex<Option<Client>>,
    profile_name: String,
    saved: Mutex<Option<Profile>>,
    sender: Mutex<Option<SessionSender>>,
    frames: UnboundedSender<ClientFrame>,
    actions: UnboundedSender<Action>,
    outbox_tag: String,
    /// Each renewed access token, for screens that run their own calls (triage).
    tokens: tokio::sync::watch::Sender<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The loop's handle on the worker.
pub(super) struct Handle {
    /// Effects for the worker.
    pub effects: UnboundedSender<Effect>,
    net: Arc<Net>,
}

impl Handle {
    /// The signed-in REST client (for the triage screen, which runs its own calls).
    pub fn client(&self) -> Option<Client> {
        lock(&self.net.client).clone()
    }

    /// Every access token the worker renews from now on.
    pub fn tokens(&self) -> tokio::sync::watch::Receiver<String> {
        self.net.tokens.subscribe()
    }
}

/// Starts the worker; effects go in through the handle, actions come out of `actions`.
pub(super) fn start(
    start: Start,
    profile_name: String,
    outbox_tag: String,
    actions: UnboundedSender<Action>,
) -> Handle {
    let (effects_tx, effects) = unbounded_channel();
    let (frames, frames_rx) = unbounded_channel();
    let net = Arc::new(Net {
        client: Mutex::new(None),
        profile_name,
        saved: Mutex::new(None),
        sender: Mutex::new(None),
        frames,
        actions,
        outbox_tag,
        tokens: tokio::sync::watch::channel(String::new()).0,
    });
    tokio::spawn(forward_frames(Arc::clone(&net), frames_rx));
    tokio::spawn(work(Arc::clone(&net), start, effects));
    Handle {
        effects: effects_tx,
        net,
    }
}

async fn work(net: Arc<Net>, start: Start, mut effects: UnboundedReceiver<Effect>) {
    if let Start::Saved(profile) = start {
        sign_in_saved(&net, profile).await;
    }
    while let Some(effect) = effects.recv().await {
        match effect {
            Effect::SignIn {
                server,
                username,
                password,
                register,
            } => sign_in(&net, server, username, password, register).await,
            Effect::Send(outgoing) => net.frame(ClientFrame::MessageSend {
                channel_id: outgoing.channel_id,
                content: outgoing.content,
                client_id: outgoing.client_id,
                parent_id: outgoing.parent_id,
                file_ids: Vec::new(),
            }),
            Effect::Typing(channel_id) => net.frame(ClientFrame::Typing { channel_id }),
            Effect::SetStatus(status) => net.frame(ClientFrame::PresenceSet { status }),
            Effect::MarkRead { channel_id, message_id } => net.frame(ClientFrame::Read { channel_id, message_id }),
            // The terminal's own effects are the loop's, not the network's.
            Effect::Yank(_)
            | Effect::OpenLink(_)
            | Effect::Bell
            | Effect::Desktop { .. }
            | Effect::OpenEditor(_)
            | Effect::Moderate => {}
            other => {
                tokio::spawn(call(Arc::clone(&net), other));
            }
        }
    }
    if let Some(sender) = lock(&net.sender).take() {
        sender.close();
    }
}

impl Net {
    pub(super) fn tell(&self, action: Action) {
        let _ = self.actions.send(action);
    }

    fn frame(&self, frame: ClientFrame) {
        let _ = self.frames.send(frame);
    }

    fn client(&self) -> Result<Client, ClientError> {
        lock(&self.client).clone().ok_or(ClientError::NotSignedIn)
    }

    /// Runs a REST call, renewing the session once if the token has expired.
    pub(super) async fn with_client<T, F, Fut>(&self, call: F) -> Result<T, ClientError>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        match call(self.client()?).await {
            Err(err) if err.code() == Some("token_expired") => {
                self.renew().await?;
                call(self.client()?).await
            }
            other => other,
        }
    }

    /// A fresh access token: the profile file's, if another program renewed it, else one made
    /// with the refresh token. Saved for the next start and for the `hub` CLI.
    async fn renew(&self) -> Result<(), ClientError> {
        let Some(saved) = lock(&self.saved).clone() else {
            return Err(ClientError::NotSignedIn);
        };
        let mut client = self.client()?;
        let renewed = crate::profiles::renew_now(&mut client, &self.profile_name, &saved).await?;
        if let Some(sender) = lock(&self.sender).as_ref() {
            sender.set_token(&renewed.access_token);
        }
        self.tokens.send_replace(renewed.access_token.clone());
        *lock(&self.client) = Some(client);
        *lock(&self.saved) = Some(renewed);
        Ok(())
    }

    fn remember(&self, profile: Profile) {
        if let Err(err) = Profiles::remember(&self.profile_name, &profile) {
            self.tell(Action::Failed(format!("cannot save the session: {err:#}")));
        }
        *lock(&self.saved) = Some(profile);
    }
}

async fn sign_in_saved(net: &Arc<Net>, mut saved: Profile) {
    let mut client = match Client::new(&saved.server) {
        Ok(client) => client,
        Err(err) => return net.tell(Action::SignInFailed(err.to_string())),
    };
    client.set_token(Some(saved.access_token.clone()));
    let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(15), 0.3);
    loop {
        match renew_if_expired(&mut client, &mut saved).await {
            Ok(renewed) => {
                if renewed {
                    net.remember(saved.clone());
                }
                break;
            }
            Err(err) if err.status().is_some() => {
                return net.tell(Action::SignInFailed(format!(
                    "the saved session for {} has ended ({err}); sign in again",
                    saved.username
                )));
            }
            Err(err) => {
                let wait = backoff.next_delay();
                net.tell(Action::SignInRetrying(format!(
                    "cannot reach {} ({err}); trying again in {}s",
                    saved.server,
                    wait.as_secs().max(1)
                )));
                tokio::time::sleep(wait).await;
            }
        }
    }
    *lock(&net.saved) = Some(saved.clone());
    signed_in(net, client, saved.server).await;
}

async fn sign_in(net: &Arc<Net>, server: String, username: String, password: String, register: bool) {
    let mut client = match Client::new(&server) {
        Ok(client) => client,
        Err(err) => return net.tell(Action::SignInFailed(err.to_string())),
    };
    let tokens = if register {
        let request = RegisterRequest {
            username: username.clone(),
            password,
            email: None,
            full_name: None,
        };
        client.register(&request).await
    } else {
        client.login(&username, &password).await
    };
    let tokens = match tokens {
        Ok(tokens) => tokens,
        Err(err) => return net.tell(Action::SignInFailed(err.to_string())),
    };
    net.remember(Profile {
        server: server.clone(),
        username,
        access_token: tokens.access_token,
        refresh_token: Some(tokens.refresh_token),
        version_warned: None,
    });
    signed_in(net, client, server).await;
}

async fn signed_in(net: &Arc<Net>, client: Client, server: String) {
    let me = match client.me().await {
        Ok(me) => me,
        Err(err) => return net.tell(Action::SignInFailed(err.to_string())),
    };
    *lock(&net.client) = Some(client);
    let is_admin = me.is_superuser;
    net.tell(Action::SignedIn {
        me: Box::new(me),
        server,
    });
    tokio::spawn(follow_gateway(Arc::clone(net)));
    tokio::spawn(keep_fresh(Arc::clone(net)));
    if is_admin {
        tokio::spawn(call(Arc::clone(net), Effect::CountReports));
    }
}

/// Renews the access token a minute before it expires (or at half its life, if shorter), so
/// REST calls never meet an expired one and the gateway connection gets the fresh one in an
/// `auth` frame instead of being closed. A profile without a refresh token is left as it is.
async fn keep_fresh(net: Arc<Net>) {
    loop {
        let Some(saved) = lock(&net.saved).clone() else {
            return;
        };
        if saved.refresh_token.is_none() {
            return;
        }
        tokio::time::sleep(crate::profiles::renew_after(&saved.access_token)).await;
        if let Err(err) = net.renew().await {
            net.tell(Action::Failed(format!(
                "cannot renew the session ({err}); it ends when the token does"
            )));
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

/// Keeps a gateway session up for as long as the client runs; the SDK resumes after drops,
/// and this loop starts a new session when one ends (a refused token is renewed first).
async fn follow_gateway(net: Arc<Net>) {
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(10), 0.5);
    let mut positions = std::collections::BTreeMap::new();
    loop {
        let options = SessionOptions {
            positions: positions.clone(),
            ..SessionOptions::default()
        };
        let connected = match net.client() {
            Ok(client) => client.connect_session(options).await,
            Err(err) => Err(err),
        };
        let mut session = match connected {
            Ok(session) => session,
            Err(err) => {
                if matches!(err.status().map(|status| status.as_u16()), Some(401)) && net.renew().await.is_err() {
                    return net.tell(Action::SignInFailed("the session has ended; sign in again".to_owned()));
                }
                net.tell(Action::Reconnecting {
                    attempt: backoff.attempts() + 1,
                });
                tokio::time::sleep(backoff.next_delay()).await;
                continue;
            }
        };
        backoff.reset();
        *lock(&net.sender) = Some(session.sender());
        net.tell(Action::Connected);
        let mut ended = None;
        while let Some(event) = session.next().await {
            match event {
                SessionEvent::Frame(frame) => on_frame(&net, frame),
                SessionEvent::Disconnected { .. } => net.tell(Action::Reconnecting { attempt: 1 }),
                SessionEvent::Reconnected { .. } => net.tell(Action::Connected),
                SessionEvent::Closed { code, reason } => ended = Some((code, reason)),
            }
        }
        positions = session.positions().to_map();
        lock(&net.sender).take();
        let (code, reason) = ended.unwrap_or((None, "the session ended".to_owned()));
        use hub_core::protocol::v1::close_code;
        if matches!(code, Some(close_code::SESSION_ENDED)) {
            return net.tell(Action::SignInFailed(format!(
                "signed out elsewhere ({reason}); sign in again"
            )));
        }
        if matches!(code, Some(close_code::ACCOUNT_SUSPENDED)) {
            return net.tell(Action::Offline(format!("the account is suspended: {reason}")));
        }
        if matches!(code, Some(close_code::UNAUTHORIZED)) && net.renew().await.is_err() {
            return net.tell(Action::SignInFailed("the session has ended; sign in again".to_owned()));
        }
        net.tell(Action::Reconnecting { attempt: 1 });
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

fn on_frame(net: &Net, frame: ServerFrame) {
    let action = match frame {
        ServerFrame::Event(event) => Action::Event(Box::new(event)),
        ServerFrame::Control(control) => match control {
            ControlFrame::Ack { client_id, message } => Action::Acked {
                client_id,
                message: Box::new(message),
            },
            ControlFrame::Error {
                code,
                message,
                r#ref: Some(reference),
                ..
            } if reference.starts_with(&net.outbox_tag) => Action::SendRefused {
                client_id: reference.into(),
                code,
                message,
            },
            ControlFrame::Error { message, .. } => Action::Failed(message),
            ControlFrame::Typing {
                channel_id,
                user_id,
                expires_in_ms,
            } => Action::Typing {
                channel_id,
                user_id,
                expires_in_ms,
            },
            ControlFrame::Presence { user_id, status, .. } => Action::Presence { user_id, status },
            ControlFrame::ReadUpdated { channel_id, message_id } => Action::ReadElsewhere { channel_id, message_id },
            ControlFrame::Resync { channel_id } => Action::Resync(channel_id),
            ControlFrame::ChatRequestAccepted { .. } => Action::Done("a chat request was accepted".to_owned()),
            ControlFrame::ReportCreated { .. } => Action::ReportFiled,
            _ => return,
        },
    };
    net.tell(action);
}

/// Writes queued frames to the current session, in order; without one (offline) they are
/// dropped: the outbox keeps the messages and sends them again once connected.
async fn forward_frames(net: Arc<Net>, mut frames: UnboundedReceiver<ClientFrame>) {
    while let Some(frame) = frames.recv().await {
        let sender = lock(&net.sender).clone();
        if let Some(sender) = sender {
            let _ = sender.send(frame).await;
        }
    }
}
