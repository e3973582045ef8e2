//! Independent judges: Prism (requests and answers against our documents; `cargo xtask
//! conformance`), Redocly (lint), oauth2-mock-server (a real OAuth 2.0 peer), jose (the
//! reference JOSE library, judging app tokens), oidc-provider (an OpenID Certified issuer).
//! Each installs itself with `npm ci`.

mod conformance;
mod jose_peer;
mod oauth_peer;
mod oidc_peer;
mod prism;
