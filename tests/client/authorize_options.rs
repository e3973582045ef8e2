//! The authorization request's standard parameters (OpenID Connect Core 3.1.2.1, 5.2, 11;
//! RFC 8707): `prompt=consent` by default, so that a conforming issuer honours
//! `offline_access`; `prompt`, `login_hint`, `max_age`, `ui_locales`, `claims_locales`,
//! `acr_values`, `display` and further parameters per login or per `PkceLogin`; what cannot be
//! sent is refused before a login starts. oidc-provider judges the whole flow in
//! `tests/judges/oidc_peer.rs`.

use std::time::Duration;

use jtl_erp_client::runtime::auth::{AuthorizeOptions, PkceError, PkceLogin, Prompt};

const REDIRECT: &str = "http://127.0.0.1:9/callback";

fn login(options: Option<AuthorizeOptions>) -> PkceLogin {
    let mut builder = PkceLogin::builder("public-app")
        .endpoints("http://127.0.0.1:9/authorize", "http://127.0.0.1:9/token");
    if let Some(options) = options {
        builder = builder.authorize_options(options);
    }
    builder.build().expect("login")
}

/// The query after the grant's own parameters (those end with `code_challenge_method`).
fn options_part(url: &jtl_erp_client::runtime::reqwest::Url) -> String {
    let query = url.query().expect("query");
    let (grant, options) = query
        .split_once("code_challenge_method=S256")
        .expect("the grant's parameters");
    assert!(
        grant.starts_with("response_type=code&client_id=public-app&"),
        "{query}"
    );
    options.trim_start_matches('&').to_owned()
}

#[jtl_erp_tests::test]
async fn consent_is_asked_for_by_default_so_that_offline_access_is_honoured() {
    let request = login(None)
        .authorize_url(&["erp.read"], REDIRECT)
        .expect("url");
    assert_eq!(options_part(&request.url), "prompt=consent");
    assert!(
        request
            .url
            .query_pairs()
            .any(|(k, v)| k == "scope" && v == "openid offline_access erp.read")
    );
}

#[jtl_erp_tests::test]
async fn every_standard_parameter_is_sent_as_the_specification_writes_it() {
    let options = AuthorizeOptions::new()
        .prompt(&[Prompt::Login, Prompt::Consent])
        .login_hint("max.mustermann@example.com")
        .max_age(Duration::from_millis(300_900))
        .ui_locales(&["de-DE", "en"])
        .claims_locales(&["de"])
        .acr_values(&["urn:mace:incommon:iap:silver", "1"])
        .display("popup")
        .param("resource", "https://api.jtl-cloud.com/erp")
        .param("id_token_hint", "eyJ.hint");
    let login = login(None);
    let request = login
        .authorize_url_with(&[], REDIRECT, &options)
        .expect("url");
    assert_eq!(
        options_part(&request.url),
        "prompt=login+consent&login_hint=max.mustermann%40example.com&max_age=300\
         &ui_locales=de-DE+en&claims_locales=de&acr_values=urn%3Amace%3Aincommon%3Aiap%3Asilver+1\
         &display=popup&resource=https%3A%2F%2Fapi.jtl-cloud.com%2Ferp&id_token_hint=eyJ.hint"
    );
    let debug = format!("{options:?}");
    assert!(
        !debug.contains("eyJ.hint")
            && !debug.contains("mustermann")
            && debug.contains("id_token_hint"),
        "{debug}"
    );
    // The login's own options are untouched by a per-login set.
    let plain = login.authorize_url(&[], REDIRECT).expect("url");
    assert_eq!(options_part(&plain.url), "prompt=consent");

    // Options of the PkceLogin apply to each of its logins; an empty prompt sends none.
    let silent = self::login(Some(AuthorizeOptions::new().prompt(&[]).login_hint("u-1")));
    let request = silent.authorize_url(&[], REDIRECT).expect("url");
    assert_eq!(options_part(&request.url), "login_hint=u-1");
    let none = self::login(Some(AuthorizeOptions::new().prompt(&[Prompt::None])));
    let request = none.authorize_url(&[], REDIRECT).expect("url");
    assert_eq!(options_part(&request.url), "prompt=none");
}

#[jtl_erp_tests::test]
async fn parameters_that_cannot_be_sent_are_refused_before_a_login_starts() {
    let login = login(None);
    let refused = [
        (
            AuthorizeOptions::new().prompt(&[Prompt::None, Prompt::Login]),
            "prompt",
        ),
        (AuthorizeOptions::new().param("state", "mine"), "state"),
        (AuthorizeOptions::new().param("scope", "more"), "scope"),
        (AuthorizeOptions::new().param("prompt", "login"), "prompt"),
        (
            AuthorizeOptions::new().param("code_challenge", "x"),
            "code_challenge",
        ),
        (AuthorizeOptions::new().param("", "x"), ""),
    ];
    for (options, name) in refused {
        let error = login
            .authorize_url_with(&[], REDIRECT, &options)
            .expect_err(name);
        assert!(
            matches!(&error, PkceError::Parameter { name: n, .. } if n == name),
            "{name}: {error:?}"
        );
        assert!(error.to_string().contains(&format!("`{name}`")), "{error}");
    }
    assert!(
        format!("{login:?}").contains("pending: 0"),
        "no login was started: {login:?}"
    );
}
