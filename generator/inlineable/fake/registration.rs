//! App registration in both ERP generations (1.0 at the root, 2.0 under `/v2`, the unversioned
//! paths with `api-version: 2.0`): registering, its status and multi-instance registration, the
//! merchant's decision and the platform's scope catalog, and [`RegistrationApi`], the handle that
//! scripts them.

use std::collections::{BTreeMap, BTreeSet};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};

use super::encoding::{error, json, plain, read_body};
use super::request::{FakeRequest, Generation};
use super::{Casing, FakeError, FakeJtl, State};
use crate::models::{
    AppRegistrationRequest, AppToken, ErrorResponse, RegistrationInformation,
    RegistrationRequestStatusInfo, RegistrationStatus, RegistrationType,
};

/// A registration as the merchant sees it in JTL-Wawi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationView {
    /// The registration id.
    pub id: String,
    /// The app id it registers.
    pub app_id: String,
    /// Pending, Accepted or Rejected.
    pub status: RegistrationStatus,
    /// The generation it was made in (`1.0` or `2.0`).
    pub api_version: String,
}

/// The registrations and what decides them.
#[derive(Debug, Default)]
pub(super) struct Registrations {
    filed: BTreeMap<String, Registration>,
    scope_catalog: Option<BTreeSet<String>>,
    auto_approve: bool,
}

#[derive(Debug)]
pub(super) struct Registration {
    app_id: String,
    challenge_code: String,
    api_version: String,
    app: AppRegistrationRequest,
    status: RegistrationStatus,
    granted: Vec<String>,
    key: Option<String>,
    key_handed_out: bool,
}

/// Scripts app registration: [`FakeJtl::registration`].
#[derive(Debug, Clone, Copy)]
pub struct RegistrationApi<'f> {
    pub(super) fake: &'f FakeJtl,
}

impl RegistrationApi<'_> {
    /// The registrations, oldest first.
    pub fn list(&self) -> Vec<RegistrationView> {
        let state = self.fake.state();
        state
            .registration
            .filed
            .iter()
            .map(|(id, r)| RegistrationView {
                id: id.clone(),
                app_id: r.app_id.clone(),
                status: r.status,
                api_version: r.api_version.clone(),
            })
            .collect()
    }

    /// Accepts a registration as the merchant would: every mandatory scope and the listed
    /// optional ones are granted, and an API key is issued (handed out on the next fetch, once).
    pub fn approve(
        &self,
        registration_id: &str,
        optional_granted: &[&str],
    ) -> Result<(), FakeError> {
        let mut state = self.fake.state();
        let optional = pending_mut(&mut state, registration_id)?
            .app
            .optional_api_scopes
            .clone()
            .unwrap_or_default();
        if let Some(extra) = optional_granted
            .iter()
            .find(|s| !optional.iter().any(|o| o == *s))
        {
            return Err(FakeError::NotRequested((*extra).to_owned()));
        }
        accept(
            &mut state,
            registration_id,
            optional_granted.iter().map(|s| (*s).to_owned()).collect(),
        )
    }

    /// Rejects a registration.
    pub fn reject(&self, registration_id: &str) -> Result<(), FakeError> {
        reject(&mut self.fake.state(), registration_id)
    }

    /// Accepts every registration with all the scopes it asks for when it is first polled.
    pub fn auto_approve(&self, on: bool) {
        self.fake.state().registration.auto_approve = on;
    }

    /// The scope names the platform knows: registrations asking for any other one are refused
    /// with 400 and the vendor's error body naming each. `None` (the default) knows every name.
    /// Names compare exactly, as the platform's do.
    pub fn set_scope_catalog(&self, catalog: Option<&[&str]>) {
        self.fake.state().registration.scope_catalog =
            catalog.map(|names| names.iter().map(|s| (*s).to_owned()).collect());
    }

    /// Issues an API key with these scopes directly (as if a registration had been accepted).
    pub fn issue_api_key(&self, scopes: &[&str]) -> String {
        let mut state = self.fake.state();
        let key = state.next("key");
        state.api_keys.insert(
            key.clone(),
            scopes.iter().map(|s| (*s).to_owned()).collect(),
        );
        key
    }
}

/// The merchant's "accept": mandatory scopes plus `optional`, and a key handed out once.
fn accept(state: &mut State, id: &str, optional: Vec<String>) -> Result<(), FakeError> {
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

fn pending_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Registration, FakeError> {
    let registration = state
        .registration
        .filed
        .get_mut(id)
        .ok_or_else(|| FakeError::UnknownRegistration(id.to_owned()))?;
    if registration.status != RegistrationStatus::Pending {
        return Err(FakeError::AlreadyDecided(id.to_owned()));
    }
    Ok(registration)
}

/// The merchant's "reject".
pub(super) fn reject(state: &mut State, id: &str) -> Result<(), FakeError> {
    pending_mut(state, id)?.status = RegistrationStatus::Rejected;
    Ok(())
}

/// Answers the request when it is one of registration's operations.
pub(super) fn route(
    state: &mut State,
    request: &FakeRequest,
    segments: &[&str],
    generation: Generation,
) -> Option<Response<Full<Bytes>>> {
    let casing = generation.casing();
    let answer = match (&request.method, segments) {
        (&Method::POST, ["authentication"]) => register(state, request, generation),
        (&Method::GET, ["authentication", id]) => fetch(state, request, id, casing),
        (&Method::POST, ["authentication", id]) => register_instance(state, request, id, casing),
        _ => return None,
    };
    Some(answer)
}

fn register(
    state: &mut State,
    request: &FakeRequest,
    generation: Generation,
) -> Response<Full<Bytes>> {
    let casing = generation.casing();
    // The challenge code comes first: nothing about a registration is looked at or kept
    // without one the vendor would accept.
    if let Some(refusal) = request.challenge_code_refusal(state, casing) {
        return refusal;
    }
    let code = request
        .header("x-challengecode")
        .unwrap_or_default()
        .to_owned();
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
        .registration
        .filed
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
    state.registration.filed.insert(id, registration);
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
fn unknown_scopes(
    state: &State,
    app: &AppRegistrationRequest,
    casing: Casing,
) -> Option<Response<Full<Bytes>>> {
    let catalog = state.registration.scope_catalog.as_ref()?;
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
fn challenge_code_matches(request: &FakeRequest, registration: &Registration) -> bool {
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
    let Some(registration) = state.registration.filed.get(id) else {
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

fn fetch(
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
    if state.registration.auto_approve && registration.status == RegistrationStatus::Pending {
        let _ = accept_everything(state, id);
    }
    let Some(registration) = state.registration.filed.get(id) else {
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
            .registration
            .filed
            .get_mut(id)
            .expect("present")
            .key_handed_out = true;
    }
    json(state, StatusCode::OK, &info, casing)
}

fn register_instance(
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

fn status_info(id: &str, registration: &Registration) -> RegistrationRequestStatusInfo {
    RegistrationRequestStatusInfo::new(registration.app_id.clone(), id, registration.status)
}
