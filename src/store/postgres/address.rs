//! The store's address: libpq's URL form, shown without its password, and
//! the connection it names (TLS through rustls when `sslmode` asks).

use super::store_error;
use crate::error::{Error, Result};
use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};
use std::str::FromStr;
use std::sync::Arc;

/// Whether an address names a PostgreSQL database rather than a file.
pub fn is_url(address: &str) -> bool {
    address.starts_with("postgres://") || address.starts_with("postgresql://")
}

/// The address with any password replaced by `***`, in the userinfo and
/// in a `password=` parameter, so that it can be printed and logged.
pub fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = authority.split_at(at);
            match userinfo.find(':') {
                Some(colon) => format!("{}:***{host}", &userinfo[..colon]),
                None => authority.to_owned(),
            }
        }
        None => authority.to_owned(),
    };
    format!("{}{authority}{}", &url[..start], redact_query(tail))
}

/// `password=...` in the query part, its value replaced.
fn redact_query(tail: &str) -> String {
    let Some(q) = tail.find('?') else {
        return tail.to_owned();
    };
    let params: Vec<String> = tail[q + 1..]
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((key, _)) if key == "password" => format!("{key}=***"),
            _ => p.to_owned(),
        })
        .collect();
    format!("{}?{}", &tail[..q], params.join("&"))
}

/// Connects as the URL says; `password` fills in when the URL has none.
pub(super) fn connect(url: &str, password: Option<&str>, shown: &str) -> Result<Client> {
    let mut config = Config::from_str(url).map_err(|e| {
        let why = scrub(&e.to_string(), url);
        Error::Usage(format!(
            "store address {shown} is not a PostgreSQL URL: {why}"
        ))
    })?;
    if config.get_password().is_none()
        && let Some(p) = password
    {
        config.password(p);
    }
    let connected = match config.get_ssl_mode() {
        SslMode::Disable => config.connect(NoTls),
        _ => config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls_config()?)),
    };
    connected.map_err(|e| store_error(shown, e))
}

/// A message with any password of the URL taken out, in case a parser
/// repeats the value it stumbled on.
fn scrub(message: &str, url: &str) -> String {
    let mut out = message.to_owned();
    if let Ok(config) = Config::from_str(url)
        && let Some(p) = config.get_password()
        && let Ok(p) = std::str::from_utf8(p)
        && !p.is_empty()
    {
        out = out.replace(p, "***");
    }
    out
}

/// TLS as libpq's `sslmode=require` and `prefer` give it: the connection
/// is encrypted and the handshake's signatures checked, but the server's
/// certificate is not checked against a root (docs/store.md says so).
fn tls_config() -> Result<rustls::ClientConfig> {
    // ring is deprecated in rustls for lacking post-quantum key exchange;
    // it is kept because aws-lc-rs needs cmake and a C toolchain on every
    // machine that builds the tool, and PostgreSQL servers offer no
    // post-quantum groups yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::dependency("rustls refused its own default protocols", e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
        .with_no_client_auth();
    Ok(config)
}

/// Accepts the server's certificate as `sslmode=require` does, and still
/// verifies that the server holds its key.
#[derive(Debug)]
struct EncryptOnly(Arc<rustls::crypto::CryptoProvider>);

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_wherever_they_stand() {
        let cases = [
            (
                "postgresql://dt:s3cret@127.0.0.1:5432/dt?sslmode=require",
                "postgresql://dt:***@127.0.0.1:5432/dt?sslmode=require",
            ),
            (
                "postgres://dt@/dt?host=/tmp/sock&password=s3cret",
                "postgres://dt@/dt?host=/tmp/sock&password=***",
            ),
            (
                "postgresql://dt@localhost/dt",
                "postgresql://dt@localhost/dt",
            ),
            ("postgresql://a:b:c@h/d", "postgresql://a:***@h/d"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact(url), shown);
        }
        assert!(is_url("postgresql://h/d") && is_url("postgres://h/d"));
        assert!(!is_url("/tmp/postgres://x.db"));
    }

    #[test]
    fn a_bad_address_is_a_usage_error_without_its_password() {
        let url = "postgresql://dt:s3cret@host:notaport/dt";
        match connect(url, None, &redact(url)) {
            Err(Error::Usage(m)) => {
                assert!(m.contains("postgresql://dt:***@host:notaport/dt"), "{m}");
                assert!(!m.contains("s3cret"), "{m}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("connected to a bad address"),
        }
    }
}
