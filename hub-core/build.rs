//! Rebuilds hub-core when a migration changes: `sqlx::migrate!` embeds the SQL files at compile
//! time, and cargo does not see them otherwise (a stale build would apply the old SQL).

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
