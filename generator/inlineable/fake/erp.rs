//! The ERP routes both generations share: app registration (1.0 at the root, 2.0 under `/v2`,
//! the unversioned paths with `api-version: 2.0`), its status and multi-instance registration,
//! and `GET /info`; the 2.0-only operations are in `erp2.rs`.

use std::collections::BTreeMap;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};

use super::encoding::{error, json, plain, read_body};
use super::request::FakeRequest;
use super::{Casing, FakeError, MAX_CHALLENGE_CODE_CHARS, Registration, State, erp2};
use crate::models::{
    AppRegistrationRequest, AppToken, ErrorResponse, RegistrationInformation,
    RegistrationRequestStatusInfo, RegistrationStatus, RegistrationType, Status,
};

/// The merchant's "accept": mandatory scopes plus `optional`, and a key handed out once.
pub(super) fn accept(state: &mut State, id: &str, optional: Vec<String>) -> Result<(), FakeError> {
    let key = state.next("key");
    let registration = pending_mut(state, id)?;
    let mut granted = registration
        .app
        .mandatory_api_scopes
        .clone()
        .unwrap_or_default();
    granted.extend(optional);
    registration.status = RegistrationStatus::Accepted;
    registration.granted = granted.clone();
    registration.key = Some(key.clone());
    state.api_keys.insert(key, granted);
    Ok(())
}

/// Accepts with every optional scope granted.
pub(super) fn accept_everything(state: &mut State, id: &str) -> Result<(), FakeError> {
    let optional = pending_mut(state, id)?
        .app
        .optional_api_scopes
        .clone()
        .unwrap_or_default();
    accept(state, id, optional)
}

pub(super) fn pending_mut<'a>(
    state: &'a mut State,
    id: &str,
) -> Result<&'a mut Registration, FakeError> {
    let registration = state
        .registrations
        .get_mut(id)
        .ok_or_else(|| FakeError::UnknownRegistration(id.to_owned()))?;
    if registration.status != RegistrationStatus::Pending {
        return Err(FakeError::AlreadyDecided(id.to_owned()));
    }
    Ok(registration)
}

/// The ERP routes. The 2.0 document's paths are under `/v2` and answer in PascalCase, as it
/// declares; the unversioned paths are 1.0 (PascalCase) or, with `api-version: 2.0`, the
/// OnPremise server of seed 002 (camelCase answers). The paths without `/v2` of seed 001 (foreign
/// apps) are served too.
pub(super) fn erp(state: &mut State, request: &FakeRequest, path: &str) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (generation, segments) = match segments.split_first() {
        Some((&"v2", rest)) => (Generation::V2, rest),
        _ if request.header("api-version") == Some("2.0") => {
            (Generation::V2Unversioned, &segments[..])
        }
        _ => (Generation::V1, &segments[..]),
    };
    let casing = generation.casing();
    match (&request.method, segments) {
        (&Method::POST, ["authentication"]) => register(state, request, generation),
        (&Method::GET, ["authentication", id]) => fetch(state, request, id, casing),
        (&Method::POST, ["authentication", id]) if !erp2::is_erp2_path(id) => {
            register_instance(state, request, id, casing)
        }
        (&Method::GET, ["info"]) => info(state, request, casing),
        _ => erp2::route(state, request, segments, casing)
            .unwrap_or_else(|| plain(StatusCode::NOT_FOUND, "no such endpoint")),
    }
}

/// Which generation a request speaks, by its path and `api-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Generation {
    V1,
    V2,
    V2Unversioned,
}

impl Generation {
    fn casing(self) -> Casing {
        match self {
            Generation::V1 | Generation::V2 => Casing::Pascal,
            Generation::V2Unversioned => Casing::Camel,
        }
    }

    fn api_version(self) -> &'static str {
        match self {
            Generation::V1 => "1.0",
            Generation::V2 | Generation::V2Unversioned => "2.0",
        }
    }
}

pub(super) fn register(
    state: &mut State,
    request: &FakeRequest,
    generation: Generation,
) -> Response<Full<Bytes>> {
    let casing = generation.casing();
    // The challenge code comes first: nothing about a registration is looked at or kept
    // without one the vendor would accept.
    let code = match request.header("x-challengecode") {
        None | Some("") => {
            return error(
                state,
                StatusCode::BAD_REQUEST,
                "ChallengeCodeMissing",
                casing,
            );
        }
        Some(code) if code.chars().count() > MAX_CHALLENGE_CODE_CHARS => {
            return error(
                state,
                StatusCode::BAD_REQUEST,
                "ChallengeCodeTooLong",
                casing,
            );
        }
        Some(code) => code.to_owned(),
    };
    let app: AppRegistrationRequest = match read_body(state, &request.body, casing) {
        Ok(app) => app,
        Err(refusal) => return refusal,
    };
    let Some(app_id) = app.app_id.clone() else {
        return error(state, StatusCode::BAD_REQUEST, "AppIdMissing", casing);
    };
    if let Some(refusal) = unknown_scopes(state, &app, casing) {
        return refusal;
    }
    if state
        .registrations
        .values()
        .any(|r| r.app_id == app_id && r.status == RegistrationStatus::Accepted)
    {
        return error(state, StatusCode::CONFLICT, "AppAlreadyRegistered", casing);
    }
    let api_version = generation.api_version().to_owned();
    let pending = Registration::pending(app_id, code, api_version, app);
    file(state, pending, StatusCode::CREATED, casing)
}

/// Keeps `registration` under a new id and answers with its status.
fn file(
    state: &mut State,
    registration: Registration,
    status: StatusCode,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let id = state.next("reg");
    let answer = status_info(&id, &registration);
    state.registrations.insert(id, registration);
    json(state, status, &answer, casing)
}

impl Registration {
    /// A registration waiting for the merchant.
    fn pending(
        app_id: String,
        challenge_code: String,
        api_version: String,
        app: AppRegistrationRequest,
    ) -> Self {
        Self {
            app_id,
            challenge_code,
            api_version,
            app,
            status: RegistrationStatus::Pending,
            granted: Vec::new(),
            key: None,
            key_handed_out: false,
        }
    }
}

/// The platform's refusal of scope names it does not know: 400 with `ErrorMessage` listing them
/// and one `ValidationErrors` entry per offending list item, keyed by the property name in the
/// endpoint's casing (`MandatoryApiScopes[1]`, `optionalApiScopes[0]`).
pub(super) fn unknown_scopes(
    state: &State,
    app: &AppRegistrationRequest,
    casing: Casing,
) -> Option<Response<Full<Bytes>>> {
    let catalog = state.scope_catalog.as_ref()?;
    let (mandatory, optional) = match casing {
        Casing::Camel => ("mandatoryApiScopes", "optionalApiScopes"),
        Casing::Pascal => ("MandatoryApiScopes", "OptionalApiScopes"),
    };
    let mut unknown = Vec::new();
    let mut validation_errors = BTreeMap::new();
    for (property, list) in [
        (mandatory, &app.mandatory_api_scopes),
        (optional, &app.optional_api_scopes),
    ] {
        for (i, scope) in list.iter().flatten().enumerate() {
            if !catalog.contains(scope) {
                validation_errors.insert(
                    format!("{property}[{i}]"),
                    format!("Unknown scope '{scope}'"),
                );
                unknown.push(scope.as_str());
            }
        }
    }
    if unknown.is_empty() {
        return None;
    }
    let errors: BTreeMap<String, Vec<String>> = validation_errors
        .iter()
        .map(|(key, message)| (key.clone(), vec![message.clone()]))
        .collect();
    let body = ErrorResponse::new()
        .with_error_code("UnknownScope")
        .with_validation_errors(validation_errors)
        .with_errors(errors)
        .with_error_message(format!("Unknown scopes: {}", unknown.join(", ")));
    Some(json(state, StatusCode::BAD_REQUEST, &body, casing))
}

/// Whether a registration call carries the code the registration was made with.
pub(super) fn challenge_code_matches(request: &FakeRequest, registration: &Registration) -> bool {
    request.header("x-challengecode") == Some(registration.challenge_code.as_str())
}

/// Registration `id`, when the request carries its challenge code; else the refusal (404, or
/// 403 `ChallengeCodeMismatch`).
#[expect(
    clippy::result_large_err,
    reason = "the refusal is the answer, sent at once"
)]
fn asked_with_its_code<'a>(
    state: &'a State,
    request: &FakeRequest,
    id: &str,
    casing: Casing,
) -> Result<&'a Registration, Response<Full<Bytes>>> {
    let Some(registration) = state.registrations.get(id) else {
        return Err(error(
            state,
            StatusCode::NOT_FOUND,
            "RegistrationNotFound",
            casing,
        ));
    };
    if !challenge_code_matches(request, registration) {
        return Err(error(
            state,
            StatusCode::FORBIDDEN,
            "ChallengeCodeMismatch",
            casing,
        ));
    }
    Ok(registration)
}

pub(super) fn fetch(
    state: &mut State,
    request: &FakeRequest,
    id: &str,
    casing: Casing,
) -> Response<Full<Bytes>> {
    // Checked before auto-approval: a poll with another code must change nothing.
    let registration = match asked_with_its_code(state, request, id, casing) {
        Ok(registration) => registration,
        Err(refusal) => return refusal,
    };
    if state.auto_approve && registration.status == RegistrationStatus::Pending {
        let _ = accept_everything(state, id);
    }
    let Some(registration) = state.registrations.get(id) else {
        return error(state, StatusCode::NOT_FOUND, "RegistrationNotFound", casing);
    };
    if registration.key_handed_out {
        return plain(StatusCode::GONE, "");
    }
    let mut info = RegistrationInformation::new(status_info(id, registration));
    if registration.status == RegistrationStatus::Accepted {
        info = info
            .with_token(AppToken::new(registration.key.clone().unwrap_or_default()))
            .with_granted_scopes(registration.granted.clone());
        state
            .registrations
            .get_mut(id)
            .expect("present")
            .key_handed_out = true;
    }
    json(state, StatusCode::OK, &info, casing)
}

pub(super) fn register_instance(
    state: &mut State,
    request: &FakeRequest,
    id: &str,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let original = match asked_with_its_code(state, request, id, casing) {
        Ok(registration) => registration,
        Err(refusal) => return refusal,
    };
    if original.app.registration_type != Some(RegistrationType::MultiInstance) {
        return error(
            state,
            StatusCode::BAD_REQUEST,
            "NotAMultiInstanceApp",
            casing,
        );
    }
    let app = original.app.clone();
    let code = original.challenge_code.clone();
    let api_version = original.api_version.clone();
    let app_id = app.app_id.clone().unwrap_or_default();
    let pending = Registration::pending(app_id, code, api_version, app);
    file(state, pending, StatusCode::OK, casing)
}

pub(super) fn status_info(id: &str, registration: &Registration) -> RegistrationRequestStatusInfo {
    RegistrationRequestStatusInfo::new(registration.app_id.clone(), id, registration.status)
}

pub(super) fn info(
    state: &mut State,
    request: &FakeRequest,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let Some(scopes) = request.credentials(state) else {
        return plain(StatusCode::UNAUTHORIZED, "");
    };
    if let Some(needed) = state
        .info_scope
        .clone()
        .filter(|n| !scopes.iter().any(|s| s == n || s == "*"))
    {
        return error(
            state,
            StatusCode::FORBIDDEN,
            &format!("MissingScope: {needed}"),
            casing,
        );
    }
    let status = Status::new(
        "1.10.12.0",
        jtl_erp_runtime::chrono::DateTime::<jtl_erp_runtime::chrono::Utc>::from(
            state.clock.wall_clock(),
        )
        .fixed_offset(),
        "eazybusiness",
        "WAWI-Api",
    );
    json(state, StatusCode::OK, &status, casing)
}
