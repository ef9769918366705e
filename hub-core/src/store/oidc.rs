//! Links between hub users and an external identity provider's subjects.

use super::users::UserRow;
use super::{NewUser, Store, db_run};
use crate::error::Result;
use crate::model::User;

impl Store {
    /// The user linked to `(issuer, subject)`.
    pub async fn user_by_identity(&self, issuer: &str, subject: &str) -> Result<Option<User>> {
        const SQL: &str = "SELECT u.* FROM oidc_identities i JOIN users u ON u.id = i.user_id \
            WHERE i.issuer = $1 AND i.subject = $2";
        let row: Option<UserRow> =
            db_run!(self, pool => sqlx::query_as(SQL).bind(issuer).bind(subject).fetch_optional(pool).await)?;
        Ok(row.map(UserRow::into_user))
    }

    /// Creates a user linked to `(issuer, subject)` in one transaction. Fails with a conflict when
    /// the username is taken or the identity was linked meanwhile.
    pub async fn insert_user_with_identity(&self, new: &NewUser, issuer: &str, subject: &str) -> Result<User> {
        self.insert_user_linked(new, Some((issuer, subject))).await
    }
}
