//! Send order: one client's sends stored in the order it made them while several are under way.
//!
//! A gateway connection may have many sends being checked at once; each is handed to the
//! database only after the one made before it was. SQLite's writer commits writes in the order
//! it is handed them, so a connection's sends are stored in order while sharing group commits;
//! PostgreSQL hands a send over by committing it, so there they are stored one after another.

use tokio::sync::oneshot;

/// What a turn tells the next one when it ends.
#[derive(Debug)]
enum Handover {
    /// Handed over (or failed): the next send may go.
    Done,
    /// Given up before its own turn came: wait for the send before it instead.
    Instead(oneshot::Receiver<Handover>),
}

/// Gives out turns in the order sends are made.
#[derive(Debug, Default)]
pub struct SendLine {
    last: Option<oneshot::Receiver<Handover>>,
}

impl SendLine {
    /// The turn of the next send.
    pub fn next_turn(&mut self) -> SendTurn {
        let (handover, next) = oneshot::channel();
        SendTurn {
            previous: self.last.replace(next),
            handover: Some(handover),
        }
    }
}

/// One send's place in a [`SendLine`]. Dropped without being handed over (the send was refused,
/// or abandoned), it passes its place on, so the sends around it keep their order.
#[derive(Debug, Default)]
pub struct SendTurn {
    previous: Option<oneshot::Receiver<Handover>>,
    handover: Option<oneshot::Sender<Handover>>,
}

impl SendTurn {
    /// The turn of a send in no line: it goes at once.
    pub fn now() -> SendTurn {
        SendTurn::default()
    }

    /// Waits until every earlier send of the line has been handed over or has failed.
    /// Cancel-safe: waiting again continues where it stopped.
    pub(crate) async fn wait(&mut self) {
        while let Some(previous) = self.previous.as_mut() {
            self.previous = match previous.await {
                Ok(Handover::Instead(earlier)) => Some(earlier),
                Ok(Handover::Done) | Err(_) => None,
            };
        }
    }
}

impl Drop for SendTurn {
    fn drop(&mut self) {
        if let Some(handover) = self.handover.take() {
            let _ = handover.send(match self.previous.take() {
                Some(earlier) => Handover::Instead(earlier),
                None => Handover::Done,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::{Context, Waker};

    use super::*;

    /// Whether `turn.wait()` is over, polled once.
    fn has_come(turn: &mut SendTurn) -> bool {
        let mut wait = pin!(turn.wait());
        wait.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_ready()
    }

    #[test]
    fn each_turn_comes_after_the_one_before_it_is_handed_over() {
        let mut line = SendLine::default();
        let mut first = line.next_turn();
        let mut second = line.next_turn();
        assert!(has_come(&mut first));
        assert!(!has_come(&mut second));
        drop(first);
        assert!(has_come(&mut second));
        assert!(SendTurn::now().handover.is_none());
    }

    #[test]
    fn a_turn_given_up_early_keeps_the_order_around_it() {
        let mut line = SendLine::default();
        let first = line.next_turn();
        let second = line.next_turn();
        let mut third = line.next_turn();
        // The second send fails before its turn came: the third still waits for the first.
        drop(second);
        assert!(!has_come(&mut third));
        assert!(!has_come(&mut third), "waiting again keeps waiting");
        drop(first);
        assert!(has_come(&mut third));
    }
}
