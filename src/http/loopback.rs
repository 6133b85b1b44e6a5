//! The connector chain of plain-http loopback agents: ureq's own TCP
//! connector, then a check of who accepted the connection, before a byte is
//! sent over it.

use std::io;

use ureq::unversioned::transport::{ConnectionDetails, Connector, TcpConnector, Transport};

use crate::platform;

/// ureq's TCP connector followed by [`PeerCheck`].
pub(super) fn connector() -> impl Connector<Out = impl Transport> {
    ().chain(TcpConnector::default()).chain(PeerCheck)
}

/// Plain http to this machine is allowed because nothing leaves it; but
/// whoever holds the port gets the auth token, the app secret (the console's
/// Basic) or a bearer token. A listener checked beforehand can change hands
/// before the connect, so the check is made on the
/// connections themselves: every one of ours to that port must have been
/// accepted by a socket of ours or root's.
#[derive(Debug)]
pub(super) struct PeerCheck;

impl<T: Transport> Connector<T> for PeerCheck {
    type Out = T;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<T>,
    ) -> Result<Option<T>, ureq::Error> {
        let port = details.uri.port_u16().unwrap_or(80);
        match platform::foreign_peer(port) {
            None => Ok(chained),
            Some(stranger) => Err(ureq::Error::Io(refusal(port, stranger))),
        }
    }
}

/// Why nothing is sent over our connection to `port`, as the io error the
/// callers' retry rules read: PermissionDenied is final for the exchange and
/// the API client alike, any other kind a connect failure worth a retry.
fn refusal(port: u16, stranger: platform::Stranger) -> io::Error {
    match stranger {
        // Final: a retry would only knock on the same door.
        platform::Stranger::User(uid) => io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "another user of this machine (uid {uid}) accepted the connection to port \
                 {port}; nothing was sent"
            ),
        ),
        // A listener whose accept queue is full keeps nothing of a
        // connection it took with a SYN cookie until its first data, so no
        // wait shows its end; a new connection may be queued in full, and
        // nothing was sent: retried as a connect failure.
        platform::Stranger::Unknown => io::Error::new(
            io::ErrorKind::ConnectionAborted,
            format!(
                "the kernel shows no socket at the other end of the connection to port {port} \
                 (a listener whose queue is full, or another user's trick), so who would read \
                 it is unknown; nothing was sent"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another user's end is final; an end nobody shows is retried (a full
    /// accept queue hides ends for a moment, and one such end must not stop
    /// a long `api --paginate`).
    #[test]
    fn only_an_unknown_end_is_worth_another_connection() {
        let user = refusal(8080, platform::Stranger::User(1001));
        assert_eq!(user.kind(), io::ErrorKind::PermissionDenied);
        assert!(user.to_string().contains("uid 1001"), "{user}");
        let unknown = refusal(8080, platform::Stranger::Unknown);
        assert_ne!(unknown.kind(), io::ErrorKind::PermissionDenied);
        assert!(
            unknown.to_string().contains("nothing was sent"),
            "{unknown}"
        );
    }
}
