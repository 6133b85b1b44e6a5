//! The emulator over TLS (the `https` feature): a fresh CA and a server
//! certificate for the loopback names, made at start, and the rustls server
//! connection the HTTP side reads and writes through ([`crate::http::Conn`]).
//!
//! Both private keys live in this process's memory only and die with it: a
//! client trusts the CA's certificate ([`Tls::ca_pem`]), which signs nothing
//! once the emulator stops.

use std::io;
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::http::Conn;

/// The names the server certificate is valid for: a loopback endpoint's.
const NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];

/// A server's TLS identity: its rustls configuration and the CA to trust.
pub(crate) struct Tls {
    pub(crate) config: Arc<ServerConfig>,
    /// The CA certificate, PEM: what a client puts in its trust roots.
    pub(crate) ca_pem: String,
}

impl Tls {
    /// A new CA (P-256, ring) and a server certificate it signs for
    /// [`NAMES`]; TLS 1.3 only (every client cytoken serves speaks it).
    pub(crate) fn new() -> io::Result<Tls> {
        let bad = |e: &dyn std::fmt::Display| io::Error::other(format!("TLS setup: {e}"));
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| bad(&e))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.distinguished_name
            .push(DnType::CommonName, "cytoken demo CA (this run only)");
        let ca_key = KeyPair::generate().map_err(|e| bad(&e))?;
        let ca = CertifiedIssuer::self_signed(ca, ca_key).map_err(|e| bad(&e))?;
        let key = KeyPair::generate().map_err(|e| bad(&e))?;
        let names: Vec<String> = NAMES.iter().map(|n| (*n).to_string()).collect();
        let mut params = CertificateParams::new(names).map_err(|e| bad(&e))?;
        params
            .distinguished_name
            .push(DnType::CommonName, "cytoken demo endpoint");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &ca).map_err(|e| bad(&e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(&e))?
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone(), CertificateDer::from(ca.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .map_err(|e| bad(&e))?;
        Ok(Tls {
            config: Arc::new(config),
            ca_pem: pem(ca.der()),
        })
    }

    /// The server side of a TLS connection on `tcp`; the handshake runs on
    /// its first read.
    pub(crate) fn accept(&self, tcp: TcpStream) -> io::Result<Box<dyn Conn>> {
        let conn = ServerConnection::new(Arc::clone(&self.config)).map_err(io::Error::other)?;
        Ok(Box::new(StreamOwned::new(conn, tcp)))
    }
}

/// `der` as a PEM certificate, 64 base64 characters a line.
fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

impl Conn for StreamOwned<ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }

    /// TLS's own end of data (close_notify), then the TCP one.
    fn close_write(&mut self) {
        self.conn.send_close_notify();
        let _ = self.conn.complete_io(&mut self.sock);
        let _ = self.sock.shutdown(Shutdown::Write);
    }
}
