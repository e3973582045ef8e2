//! The app signature of a registration: `Signature` over `AppId.SignatureData`, with
//! SignatureData in UTC and within 10 minutes of the server's clock.

use std::time::Duration;

use chrono::{DateTime, Timelike as _, Utc};

use crate::types::Base64Bytes;

/// How far SignatureData may be from the server's clock.
pub const SIGNATURE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Produces signature bytes. Which algorithm and key is the signer's business (the vendor
/// leaves it to the app); the runtime only builds the message and carries the result.
pub trait Signer: Send + Sync {
    /// Signs `message`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError>;
}

impl<F> Signer for F
where
    F: Fn(&[u8]) -> Result<Vec<u8>, SignatureError> + Send + Sync,
{
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        self(message)
    }
}

/// Why no signature could be made or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signer failed.
    #[error("the signer failed: {0}")]
    Signer(String),
    /// SignatureData is too far from the clock to be accepted.
    #[error(
        "SignatureData {signed} is {off:?} away from the clock ({now}); the server accepts 10 minutes"
    )]
    OutsideWindow {
        /// SignatureData.
        signed: DateTime<Utc>,
        /// The clock.
        now: DateTime<Utc>,
        /// How far apart they are.
        off: Duration,
    },
}

/// The message the signature covers: `AppId.SignatureData`, SignatureData in UTC as
/// `YYYY-MM-DDTHH:MM:SS` (the vendor's example `myApp/v1.2025-08-03T08:48:00`).
pub fn signature_message(app_id: &str, signature_data: DateTime<Utc>) -> String {
    format!("{app_id}.{}", signature_data.format("%Y-%m-%dT%H:%M:%S"))
}

/// A signature ready for the request's `Signature` and `SignatureData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSignature {
    /// `Signature`, base64 on the wire.
    pub signature: Base64Bytes,
    /// `SignatureData`, in UTC, whole seconds (as in the message).
    pub signature_data: DateTime<Utc>,
}

impl AppSignature {
    /// Signs `app_id` at `now` (pass `Utc::now()`; tests pass a fixed clock).
    pub fn create(
        app_id: &str,
        signer: &dyn Signer,
        now: DateTime<Utc>,
    ) -> Result<Self, SignatureError> {
        // The message carries whole seconds; SignatureData must say the same instant.
        let signature_data = now.with_nanosecond(0).unwrap_or(now);
        let bytes = signer.sign(signature_message(app_id, signature_data).as_bytes())?;
        Ok(Self {
            signature: Base64Bytes(bytes),
            signature_data,
        })
    }

    /// Whether the server would still accept it at `now`.
    pub fn check_window(&self, now: DateTime<Utc>) -> Result<(), SignatureError> {
        let off = (now - self.signature_data)
            .abs()
            .to_std()
            .unwrap_or(Duration::MAX);
        if off <= SIGNATURE_WINDOW {
            Ok(())
        } else {
            Err(SignatureError::OutsideWindow {
                signed: self.signature_data,
                now,
                off,
            })
        }
    }
}
