//! A logged-in JTL-Wawi user: [`WawiSession::login`] posts the user's name and password to
//! `POST /v2/authentication/login`, and every call made through [`WawiSession::client`] carries
//! the session's `X-SessionId` (on the operations whose document declares that header: the
//! foreign-app operations and `Logout`). [`WawiSession::logout`] ends it.
//!
//! - The password is a [`Secret`]: it appears in no `Debug`, `Display`, error or log; the
//!   session id neither (it is a credential too: whoever holds it acts as the user).
//! - The vendor allows the login "only over SSL": the helper refuses a client whose base URL is
//!   not `https`, except to a loopback address (an OnPremise REST server on the same machine, or
//!   a test), before anything is sent.
//! - **Drop does not log out.** Logging out is a request, and `Drop` cannot wait for one; a
//!   session dropped without [`WawiSession::logout`] stays open on the server until the server
//!   ends it. Call `logout` when done (its error says whether the server ended the session).
//!
//! ```no_run
//! # async fn demo(client: jtl_erp_client::erp_v2::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use jtl_erp_client::runtime::Secret;
//! use jtl_erp_client::wawi_session::WawiSession;
//!
//! let session = WawiSession::login(&client, "admin", Secret::new("password")).await?;
//! session.client().remove_foreign_app("other/app").await?; // sent with X-SessionId
//! session.logout().await?;
//! # Ok(()) }
//! ```

// The operations this module calls: `cargo xtask regen` declares it only where the documents
// have them all (tests/generator/inlineable.rs compiles a crate of exactly these).
// needs: erp_v2::Login erp_v2::Logout

use std::fmt;
use std::net::IpAddr;

use jtl_erp_runtime::reqwest::Url;
use jtl_erp_runtime::uuid::Uuid;
use jtl_erp_runtime::{BuildError, Context, Error, Secret};

use crate::erp_v2;
use crate::models::{CreateLogin, ErrorResponse};

/// Why a login or logout failed. Never contains the password or the session id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WawiSessionError {
    /// The client's base URL is neither `https` nor a loopback address: the password would
    /// travel in clear text.
    #[error(
        "refusing to send a password to {base_url}: the login needs https (plain http only to a loopback address)"
    )]
    InsecureTransport {
        /// The base URL that was refused.
        base_url: String,
    },
    /// The server refused the login (400: unknown user or wrong password; 402: no licence, or
    /// the app is not authorised by JTL) or could not be reached.
    #[error("login failed: {0}")]
    Login(#[source] Error<ErrorResponse>),
    /// The server answered a session id that is not a uuid.
    #[error("the server answered a session id that is not a uuid")]
    InvalidSessionId,
    /// The session id could not be set on the client.
    #[error("cannot use the session: {0}")]
    Context(#[source] BuildError),
    /// The server refused the logout (400: no such session) or could not be reached.
    #[error("logout failed: {0}")]
    Logout(#[source] Error<ErrorResponse>),
}

impl WawiSessionError {
    /// Whether the server answered 402: no licence, or the app is not authorised by JTL.
    pub fn is_no_licence(&self) -> bool {
        match self {
            WawiSessionError::Login(e) | WawiSessionError::Logout(e) => e.is_no_licence(),
            _ => false,
        }
    }
}

/// A logged-in JTL-Wawi user. See the [module docs](self) for what happens on drop.
pub struct WawiSession {
    client: erp_v2::Client,
    session_id: Uuid,
}

impl fmt::Debug for WawiSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WawiSession")
            .field("base_url", &self.client.transport().base_url())
            .field("session_id", &"[REDACTED]")
            .finish()
    }
}

impl WawiSession {
    /// Logs `user_name` in with `password` through `client` (its credentials, tenant and
    /// challenge code are used as configured).
    pub async fn login(
        client: &erp_v2::Client,
        user_name: impl Into<String>,
        password: Secret,
    ) -> Result<Self, WawiSessionError> {
        let base_url = client.transport().base_url();
        if !transport_is_safe(base_url) {
            return Err(WawiSessionError::InsecureTransport {
                base_url: base_url.to_owned(),
            });
        }
        let body = CreateLogin::new(user_name, password);
        let login = client
            .login(body)
            .await
            .map_err(WawiSessionError::Login)?
            .into_inner();
        let session_id: Uuid = login
            .session_id
            .expose()
            .parse()
            .map_err(|_| WawiSessionError::InvalidSessionId)?;
        let client = client
            .with_context(&Context::new().session_id(session_id))
            .map_err(WawiSessionError::Context)?;
        Ok(Self { client, session_id })
    }

    /// The client whose calls carry this session's `X-SessionId`.
    pub fn client(&self) -> &erp_v2::Client {
        &self.client
    }

    /// The session id, for code that must hand it on (it is a credential: keep it secret).
    pub fn session_id(&self) -> Secret {
        Secret::new(self.session_id.to_string())
    }

    /// Logs the user out (`POST /v2/authentication/logout` with `X-SessionId`).
    pub async fn logout(self) -> Result<(), WawiSessionError> {
        self.client
            .logout()
            .await
            .map(drop)
            .map_err(WawiSessionError::Logout)
    }
}

/// `https`, or plain `http` to a loopback address.
fn transport_is_safe(base_url: &str) -> bool {
    let Ok(url) = Url::parse(base_url) else {
        return false;
    };
    match url.scheme() {
        "https" => true,
        "http" => match url.host_str() {
            Some("localhost") => true,
            Some(host) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        },
        _ => false,
    }
}
