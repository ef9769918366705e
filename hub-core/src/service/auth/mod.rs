//! Accounts and sessions: register, login, refresh, logout, bearer authentication and the
//! identity-provider sign-in.

mod authenticate;
mod login;
mod logout;
mod oidc;
mod password_change;
mod refresh;
mod register;
mod session;
