// names every runtime item the generator emits
#[allow(unused_imports)]
use ::jtl_erp_runtime::Transport as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ClientBuilder as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::RetryPolicy as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::Error as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ErrorKind as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ResponseValue as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::BuildError as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::Context as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextHeader as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::Operation as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::AuthNeed as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::DocumentedStatus as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::Secret as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::Base64Bytes as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::Binary as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::serde as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::serde_json::Value as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::serde_json as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::chrono::DateTime as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::chrono::FixedOffset as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::chrono::NaiveDate as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::uuid::Uuid as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::bytes::Bytes as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::http::Method as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::wire::WireSerialize as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::wire::Wire as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::wire::Camel as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::wire::Pascal as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::wire::Snake as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::wire::Declared as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::Request as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::ApiClient as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::send as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::Prepare as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::Prepared as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::Decoder as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::RequestBody as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::FormPart as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::json_text as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::json_body as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::serde_json_body as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::missing_property as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::Query as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::QueryValue as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::encode_path_segment as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::encode_path_list as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::json as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::json_or_empty as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::bytes as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::text as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::empty as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::api_error as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::request as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::model as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::str_enum as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::codegen::int_enum as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::paging::Stream as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::paging::pages as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::paging::items as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::paging::Cursor as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::paging::Marks as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::Tenant as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::AppId as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::AppVersion as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::RunAs as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::SessionId as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::CompanyId as _;
#[allow(unused_imports)]
use ::jtl_erp_runtime::ContextKey::ChallengeCode as _;
