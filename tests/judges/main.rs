//! Independent judges: Prism (requests and answers against our documents; `cargo xtask
//! conformance`), Redocly (lint), oauth2-mock-server (a real OAuth 2.0 peer). Each installs itself with `npm ci`.

mod conformance;
mod oauth_peer;
mod prism;
