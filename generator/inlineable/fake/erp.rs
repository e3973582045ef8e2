//! The ERP operations beyond registration, and [`ErpApi`], the handle that scripts them: the
//! status (`GET /info` of both generations, `HEAD /v2/info`), and the 2.0 operations: foreign
//! apps (register, update and remove, by app id and by registration id), login and logout of a
//! JTL-Wawi user, the feature list, and the paged list `GET /v2/accountingData`, with the
//! statuses and bodies of the vendor's 2.0 document.
//!
//! Every operation that declares `x-challengecode` checks it first (present, at most 30
//! characters), before credentials, licence or body. Then: `402` with an empty JSON answer when
//! the licence was withdrawn ([`ErpApi::set_licensed`]); foreign apps need credentials (`401`
//! without) and, when an `X-SessionId` is sent, a session that is open (`401` otherwise).
//!
//! `GET /v2/accountingData` pages the way the vendor does: `pageNumber` counts from 1 (default
//! 1), `pageSize` defaults to [`ACCOUNTING_DATA_DEFAULT_PAGE_SIZE`] and may be at most
//! [`ACCOUNTING_DATA_MAX_PAGE_SIZE`] (`400` naming the parameter otherwise); the answer is the
//! vendor's `PagedListOf…` envelope, with an empty `Items` past the last page. It needs
//! credentials (`401`), scope `accountings.read` on a Wawi key (`403` naming it; an OAuth2 token
//! may do everything), a licence (`402`), `x-appid` and `x-appversion` (`400`) and, when sent,
//! an open session (`401`).

use std::collections::{BTreeMap, BTreeSet};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};
use jtl_erp_runtime::serde_json;

use super::encoding::{
    error, fault_response, json, json_bytes, pascal_bytes, plain, read_body, respond,
};
use super::request::FakeRequest;
use super::{Casing, FakeJtl, Fault, State};
use crate::models::{
    AccountingData, AccountingDataLineItem, Address, AppRegistrationRequest, Country, CreateLogin,
    DocumentType, ErrorResponse, FeatureInfo, LineItemType, Login, PagedListOfAccountingData,
    RegistrationInformation, RegistrationRequestStatusInfo, RegistrationStatus, Status,
    TaxClassType,
};

/// The page size of `GET /v2/accountingData` when the request names none.
pub const ACCOUNTING_DATA_DEFAULT_PAGE_SIZE: usize = 100;
/// The largest page size `GET /v2/accountingData` accepts; a larger one is refused with `400`.
pub const ACCOUNTING_DATA_MAX_PAGE_SIZE: usize = 1000;
/// The scope `GET /v2/accountingData` needs (the vendor's `Wawi` requirement).
const ACCOUNTING_DATA_SCOPE: &str = "accountings.read";

/// The fake's state of these operations.
#[derive(Debug)]
pub(super) struct Erp {
    /// The scope API keys need for the status endpoints.
    info_scope: Option<String>,
    /// User name → password.
    users: BTreeMap<String, String>,
    sessions: BTreeSet<String>,
    /// Registration id → the foreign app.
    foreign: BTreeMap<String, AppRegistrationRequest>,
    features: Vec<FeatureInfo>,
    unlicensed: bool,
    next_id: u64,
    accounting_data: Vec<AccountingData>,
    /// Page number → the fault its next request is answered with.
    accounting_faults: BTreeMap<usize, Fault>,
}

impl Default for Erp {
    fn default() -> Self {
        let feature = |name: &str, version: i32, release: &str| {
            FeatureInfo::new(name, version, release, true)
        };
        Self {
            info_scope: None,
            users: BTreeMap::new(),
            sessions: BTreeSet::new(),
            foreign: BTreeMap::new(),
            features: vec![
                feature("AccountingData", 2, "stable"),
                feature("Attributes", 2, "beta"),
            ],
            unlicensed: false,
            next_id: 0,
            accounting_data: Vec::new(),
            accounting_faults: BTreeMap::new(),
        }
    }
}

impl Erp {
    /// A fresh uuid-shaped id (the vendor's session and registration ids are uuids).
    fn next_uuid(&mut self, kind: u16) -> String {
        self.next_id += 1;
        format!("{kind:08x}-0000-4000-8000-{:012x}", self.next_id)
    }
}

/// A foreign app as the merchant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignAppView {
    /// The registration id (a uuid).
    pub registration_id: String,
    /// The app id it was registered with.
    pub app_id: String,
    /// Its display name.
    pub display_name: Option<String>,
}

/// Scripts the ERP operations beyond registration: [`FakeJtl::erp`].
#[derive(Debug, Clone, Copy)]
pub struct ErpApi<'f> {
    pub(super) fake: &'f FakeJtl,
}

impl ErpApi<'_> {
    /// Lets a JTL-Wawi user log in with this password.
    pub fn add_user(&self, user_name: &str, password: &str) {
        self.fake
            .state()
            .erp
            .users
            .insert(user_name.to_owned(), password.to_owned());
    }

    /// How many sessions are open (logged in and not logged out).
    pub fn open_sessions(&self) -> usize {
        self.fake.state().erp.sessions.len()
    }

    /// Withdraws the licence (`false`): login, logout and the foreign-app operations answer
    /// `402` ("no licence, or the app is not authorised by JTL") with an empty JSON answer.
    pub fn set_licensed(&self, licensed: bool) {
        self.fake.state().erp.unlicensed = !licensed;
    }

    /// What `GET /v2/feature` answers.
    pub fn set_features(&self, features: Vec<FeatureInfo>) {
        self.fake.state().erp.features = features;
    }

    /// What `GET /v2/accountingData` lists: `count` deterministic documents
    /// ([`accounting_data_entry`] of `0..count`), in that order. Empty by default.
    pub fn set_accounting_data(&self, count: usize) {
        self.set_accounting_data_entries((0..count).map(accounting_data_entry).collect());
    }

    /// What `GET /v2/accountingData` lists, in this order.
    pub fn set_accounting_data_entries(&self, entries: Vec<AccountingData>) {
        self.fake.state().erp.accounting_data = entries;
    }

    /// Answers the next request for page `page_number` of `GET /v2/accountingData` with `fault`
    /// (once; the request after it is served), e.g. a `429` with `Retry-After` in the middle
    /// of a walk. The faults of [`FakeJtl::fail_next`] hit whichever ERP request comes next.
    pub fn fail_accounting_data_page(&self, page_number: usize, fault: Fault) {
        self.fake
            .state()
            .erp
            .accounting_faults
            .insert(page_number, fault);
    }

    /// The foreign apps registered and not removed, by registration id.
    pub fn foreign_apps(&self) -> Vec<ForeignAppView> {
        self.fake
            .state()
            .erp
            .foreign
            .iter()
            .map(|(id, app)| ForeignAppView {
                registration_id: id.clone(),
                app_id: app.app_id.clone().unwrap_or_default(),
                display_name: app.display_name.clone(),
            })
            .collect()
    }

    /// Requires this scope of API keys on the status endpoints (403 without it).
    pub fn require_scope_for_info(&self, scope: Option<&str>) {
        self.fake.state().erp.info_scope = scope.map(str::to_owned);
    }
}

/// The recorded body of a login with its password masked.
pub(super) fn mask_password(body: &[u8]) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object_mut()?;
    let key = object
        .keys()
        .find(|k| k.eq_ignore_ascii_case("password"))?
        .clone();
    object.insert(key, serde_json::Value::String("***".to_owned()));
    serde_json::to_string(&value).ok()
}

/// Answers the request when it is one of these operations.
pub(super) fn route(
    state: &mut State,
    request: &FakeRequest,
    segments: &[&str],
    casing: Casing,
) -> Option<Response<Full<Bytes>>> {
    let method = &request.method;
    let answer = match (method, segments) {
        (&Method::POST, ["authentication", "login"]) => login(state, request, casing),
        (&Method::POST, ["authentication", "logout"]) => logout(state, request, casing),
        (&Method::POST, ["authentication", "foreign"]) => {
            foreign(state, request, casing, Target::New)
        }
        (&Method::PATCH | &Method::DELETE, ["authentication", "foreign", app_id, "app"]) => {
            foreign(state, request, casing, Target::AppId(app_id))
        }
        (&Method::PATCH | &Method::DELETE, ["authentication", "foreign", id, "registration"]) => {
            foreign(state, request, casing, Target::RegistrationId(id))
        }
        (&Method::GET, ["feature"]) => {
            let features = state.erp.features.clone();
            json_list(state, &features, casing)
        }
        (&Method::GET, ["accountingData"]) => accounting_data(state, request, casing),
        (&Method::GET, ["info"]) => info(state, request, casing),
        (&Method::HEAD, ["info"]) => match request.credentials(state) {
            Some(_) => respond(StatusCode::OK, "application/json", Vec::new()),
            None => plain(StatusCode::UNAUTHORIZED, ""),
        },
        _ => return None,
    };
    Some(answer)
}

/// The refusals a licensed 2.0 operation shares: 402 when the licence was withdrawn, 400
/// `HeaderMissing` without `x-appid` and `x-appversion`.
fn unlicensed_or_unnamed(
    state: &State,
    request: &FakeRequest,
    casing: Casing,
) -> Option<Response<Full<Bytes>>> {
    if state.erp.unlicensed {
        return Some(no_licence());
    }
    ["x-appid", "x-appversion"]
        .into_iter()
        .find(|header| request.header(header).is_none_or(str::is_empty))
        .map(|header| {
            invalid(
                state,
                "HeaderMissing",
                header,
                "The header is required",
                casing,
            )
        })
}

/// The vendor's 402: no body to read.
fn no_licence() -> Response<Full<Bytes>> {
    respond(StatusCode::PAYMENT_REQUIRED, "application/json", Vec::new())
}

/// A 400 whose `Errors` name the offending property, as the vendor writes them.
fn invalid(
    state: &State,
    code: &str,
    property: &str,
    message: &str,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let body = ErrorResponse::new()
        .with_error_code(code)
        .with_validation_errors(BTreeMap::from([(property.to_owned(), message.to_owned())]))
        .with_errors(BTreeMap::from([(
            property.to_owned(),
            vec![message.to_owned()],
        )]))
        .with_error_message(message);
    json(state, StatusCode::BAD_REQUEST, &body, casing)
}

fn login(state: &mut State, request: &FakeRequest, casing: Casing) -> Response<Full<Bytes>> {
    if let Some(refusal) = request.challenge_code_refusal(state, casing) {
        return refusal;
    }
    if state.erp.unlicensed {
        return no_licence();
    }
    let login: CreateLogin = match serde_json::from_slice(&request.body) {
        Ok(login) => login,
        Err(_) => {
            return invalid(
                state,
                "InvalidBody",
                "UserName",
                "The body is not a login",
                casing,
            );
        }
    };
    let known = state
        .erp
        .users
        .get(&login.user_name)
        .is_some_and(|password| password == login.password.expose());
    if !known {
        return invalid(
            state,
            "InvalidCredentials",
            "Password",
            "Unknown user or wrong password",
            casing,
        );
    }
    let session = state.erp.next_uuid(0x5e55);
    state.erp.sessions.insert(session.clone());
    let answer = Login::new(session);
    json(state, StatusCode::OK, &answer, casing)
}

fn logout(state: &mut State, request: &FakeRequest, casing: Casing) -> Response<Full<Bytes>> {
    if let Some(refusal) = request.challenge_code_refusal(state, casing) {
        return refusal;
    }
    let session = request.header("x-sessionid").unwrap_or_default().to_owned();
    if !state.erp.sessions.remove(&session) {
        return invalid(
            state,
            "SessionNotFound",
            "X-SessionId",
            "No session has this id",
            casing,
        );
    }
    respond(StatusCode::OK, "application/json", Vec::new())
}

enum Target<'a> {
    New,
    AppId(&'a str),
    RegistrationId(&'a str),
}

fn foreign(
    state: &mut State,
    request: &FakeRequest,
    casing: Casing,
    target: Target<'_>,
) -> Response<Full<Bytes>> {
    if let Some(refusal) = request.challenge_code_refusal(state, casing) {
        return refusal;
    }
    if request.credentials(state).is_none() {
        return respond(StatusCode::UNAUTHORIZED, "application/json", Vec::new());
    }
    if let Some(session) = request.header("x-sessionid")
        && !state.erp.sessions.contains(session)
    {
        return respond(StatusCode::UNAUTHORIZED, "application/json", Vec::new());
    }
    if let Some(refusal) = unlicensed_or_unnamed(state, request, casing) {
        return refusal;
    }
    let found = match target {
        Target::New => None,
        Target::AppId(app_id) => {
            let app_id = percent_decode(app_id);
            match state
                .erp
                .foreign
                .iter()
                .find(|(_, app)| app.app_id.as_deref() == Some(app_id.as_str()))
            {
                Some((id, _)) => Some(id.clone()),
                None => return respond(StatusCode::NOT_FOUND, "application/json", Vec::new()),
            }
        }
        Target::RegistrationId(id) => match state.erp.foreign.contains_key(id) {
            true => Some(id.to_owned()),
            false => return respond(StatusCode::NOT_FOUND, "application/json", Vec::new()),
        },
    };
    if request.method == Method::DELETE {
        if let Some(id) = found {
            state.erp.foreign.remove(&id);
        }
        return respond(StatusCode::NO_CONTENT, "application/json", Vec::new());
    }
    let app: AppRegistrationRequest = match read_body(state, &request.body, casing) {
        Ok(app) => app,
        Err(refusal) => return refusal,
    };
    let (id, status) = match found {
        Some(id) => {
            let stored = state.erp.foreign.get_mut(&id).expect("found above");
            merge(stored, app);
            (id, StatusCode::OK)
        }
        None => {
            let Some(app_id) = app.app_id.clone() else {
                return invalid(
                    state,
                    "AppIdMissing",
                    "AppId",
                    "The app id is required",
                    casing,
                );
            };
            if state
                .erp
                .foreign
                .values()
                .any(|a| a.app_id.as_deref() == Some(app_id.as_str()))
            {
                return error(state, StatusCode::CONFLICT, "AppAlreadyRegistered", casing);
            }
            let id = state.erp.next_uuid(0xf0e1);
            state.erp.foreign.insert(id.clone(), app);
            (id, StatusCode::CREATED)
        }
    };
    let app_id = state.erp.foreign[&id].app_id.clone().unwrap_or_default();
    let info = RegistrationInformation::new(RegistrationRequestStatusInfo::new(
        app_id,
        id,
        RegistrationStatus::Pending,
    ));
    json(state, status, &info, casing)
}

/// A PATCH changes what it names and keeps the rest.
fn merge(stored: &mut AppRegistrationRequest, update: AppRegistrationRequest) {
    macro_rules! take {
        ($($field:ident),*) => {
            $(if update.$field.is_some() { stored.$field = update.$field; })*
        };
    }
    take!(
        app_id,
        display_name,
        description,
        localized_display_names,
        localized_descriptions,
        version,
        provider_name,
        provider_website,
        mandatory_api_scopes,
        optional_api_scopes,
        app_icon,
        registration_type,
        signature,
        signature_data
    );
}

fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={segment}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn json_list(state: &State, features: &[FeatureInfo], casing: Casing) -> Response<Full<Bytes>> {
    let mut bytes = b"[".to_vec();
    for (i, feature) in features.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        let Some(item) = pascal_bytes(feature) else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "serialization failed");
        };
        bytes.extend(item);
    }
    bytes.push(b']');
    json_bytes(state, StatusCode::OK, bytes, casing)
}

/// Document `index` of [`ErpApi::set_accounting_data`]: every required property set, numbered
/// `RE-000001`, `RE-000002`, … (index 0 is `RE-000001`), ids that end in the index, one line item.
pub fn accounting_data_entry(index: usize) -> AccountingData {
    let id = |kind: u32| {
        jtl_erp_runtime::uuid::Uuid::parse_str(&format!(
            "{kind:08x}-0000-4000-8000-{:012x}",
            index as u64
        ))
        .expect("a uuid")
    };
    let date = jtl_erp_runtime::chrono::DateTime::from_timestamp(
        1_735_689_600 + 3600 * i64::try_from(index).unwrap_or(i64::MAX / 7200),
        0,
    )
    .unwrap_or_default()
    .fixed_offset();
    let country = || Country::new("DE", "");
    // `new` takes the required fields in the schema's order (the comments name them).
    let address = || {
        Address::new(
            id(0xadd7),          // id
            "Muster GmbH",       // company
            "",                  // company2
            "Firma",             // form_of_address
            "",                  // title
            "Erika",             // first_name
            "Mustermann",        // last_name
            "Hauptstraße 1",     // street
            "",                  // address2
            "10115",             // postal_code
            "Berlin",            // city
            "",                  // state
            "DE",                // country_iso
            "",                  // vat_id
            "",                  // phone_number
            "",                  // mobile_phone_number
            "erika@example.com", // email_address
            "",                  // fax
        )
    };
    let cents = (index % 1000) as f64;
    let line_item = AccountingDataLineItem::new(
        LineItemType::Item,            // line_item_type
        format!("Item {}", index + 1), // name
        TaxClassType::StandardTaxRate, // tax_class_type
        1.0,                           // quantity
        10.0 + cents / 100.0,          // net_sales_price_per_unit
        19.0,                          // vat_rate
        1.9,                           // vat_amount
        0.0,                           // discount_in_percent
        0.0,                           // total_discount_gross_amount
        0.0,                           // total_discount_net_amount
        11.9,                          // total_gross_amount
        10.0,                          // total_net_amount
        1,                             // sort_order
    )
    .with_sales_invoice_line_item_id(id(0x5e11))
    .with_item_id(id(0xa71))
    .with_tax_class_name("Normal")
    .with_general_ledger_account("8400");
    AccountingData::new(
        format!("RE-{:06}", index + 1), // document_number
        DocumentType::SalesInvoice,     // document_type
        date,                           // document_date
        date,                           // service_date
        "EUR",                          // currency_iso
        id(0xf1),                       // company_id
        "DE123456789",                  // company_vat_id
        "shop-1",                       // sales_channel_id
        false,                          // is_cancelled
        country(),                      // departure_country
        country(),                      // shipment_country
        address(),                      // billing_address
        address(),                      // shipment_address
        vec![line_item],                // account_data_line_items
    )
    .with_sales_invoice_id(id(0x5e1))
    .with_sales_order_id(id(0x0de5))
    .with_sales_order_number(format!("AU-{:06}", index + 1))
}

/// `GET /v2/accountingData`: one page of the scripted documents.
fn accounting_data(
    state: &mut State,
    request: &FakeRequest,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let Some(scopes) = request.credentials(state) else {
        return respond(StatusCode::UNAUTHORIZED, "application/json", Vec::new());
    };
    if let Some(session) = request.header("x-sessionid")
        && !state.erp.sessions.contains(session)
    {
        return respond(StatusCode::UNAUTHORIZED, "application/json", Vec::new());
    }
    if !scopes
        .iter()
        .any(|s| s == ACCOUNTING_DATA_SCOPE || s == "*")
    {
        return error(
            state,
            StatusCode::FORBIDDEN,
            &format!("MissingScope: {ACCOUNTING_DATA_SCOPE}"),
            casing,
        );
    }
    if let Some(refusal) = unlicensed_or_unnamed(state, request, casing) {
        return refusal;
    }
    let query = request.path.split_once('?').map_or("", |(_, q)| q);
    let mut page_number = 1;
    let mut page_size = ACCOUNTING_DATA_DEFAULT_PAGE_SIZE;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let (target, range) = match name.as_ref() {
            "pageNumber" => (&mut page_number, 1..=i32::MAX as usize),
            "pageSize" => (&mut page_size, 1..=ACCOUNTING_DATA_MAX_PAGE_SIZE),
            _ => continue,
        };
        match value.parse::<usize>() {
            Ok(n) if range.contains(&n) => *target = n,
            _ => {
                let message = format!(
                    "Must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                );
                return invalid(state, "InvalidQuery", &name, &message, casing);
            }
        }
    }
    if let Some(fault) = state.erp.accounting_faults.remove(&page_number) {
        return fault_response(&fault);
    }
    let total = state.erp.accounting_data.len();
    let total_pages = total.div_ceil(page_size);
    let start = (page_number - 1).saturating_mul(page_size).min(total);
    let end = start.saturating_add(page_size).min(total);
    let number = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let has_next = page_number < total_pages;
    let has_previous = page_number > 1;
    let mut page = PagedListOfAccountingData::new(
        number(total),
        number(page_number),
        number(page_size),
        state.erp.accounting_data[start..end].to_vec(),
    )
    .with_total_pages(number(total_pages))
    .with_has_previous_page(has_previous)
    .with_has_next_page(has_next);
    page.next_page_number = has_next.then(|| number(page_number + 1));
    page.previous_page_number = has_previous.then(|| number(page_number - 1));
    json(state, StatusCode::OK, &page, casing)
}

/// `GET /info`: the server's status, to any credentials (and the scope of
/// [`ErpApi::require_scope_for_info`], when set).
fn info(state: &mut State, request: &FakeRequest, casing: Casing) -> Response<Full<Bytes>> {
    let Some(scopes) = request.credentials(state) else {
        return plain(StatusCode::UNAUTHORIZED, "");
    };
    if let Some(needed) = state
        .erp
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
