//! `authenticate`: who a bearer token belongs to. hub's own HS256 tokens name a session that must
//! still be open; RS256 tokens go to the identity provider's verifier.

use chrono::{DateTime, Utc};

use crate::auth::oidc::OidcVerifier;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{SessionId, UserId};
use crate::service::{Caller, Hub};

impl Hub {
    /// The caller behind `bearer` (the token, without the `Bearer ` prefix).
    pub async fn authenticate(&self, bearer: &str) -> Result<Caller> {
        self.authenticate_until(bearer).await.map(|(caller, _)| caller)
    }

    /// [`authenticate`](Self::authenticate), and when the token stops being valid: a hub
    /// token's `exp` (the gateway closes a connection some time after it); `None` for an
    /// identity provider's token, whose lifetime its issuer keeps.
    pub async fn authenticate_until(&self, bearer: &str) -> Result<(Caller, Option<DateTime<Utc>>)> {
        if OidcVerifier::is_provider_token(bearer) {
            let user = self.oidc_user(bearer).await?;
            return refuse_suspended(Caller::new(user, None)).map(|caller| (caller, None));
        }
        let claims = self.tokens()?.verify_access(bearer)?;
        let expires = DateTime::<Utc>::from_timestamp(claims.exp, 0);
        let session = SessionId::from_string(claims.sid);
        let found = self
            .inner
            .store
            .session_user(&session, &UserId::from_string(claims.sub))
            .await?;
        let caller = match found {
            Some((user, false)) => refuse_suspended(Caller::new(user, Some(session))),
            Some((user, true)) if user.is_suspended => refuse_suspended(Caller::new(user, None)),
            _ => Err(Error::new(
                ErrorKind::InvalidToken,
                "this session has ended; log in again",
            )),
        }?;
        Ok((caller, expires))
    }
}

fn refuse_suspended(caller: Caller) -> Result<Caller> {
    if caller.user.is_suspended {
        return Err(Error::new(ErrorKind::AccountSuspended, "this account is suspended"));
    }
    Ok(caller)
}
