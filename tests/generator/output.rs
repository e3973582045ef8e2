//! What the generator makes of constructs the committed documents do not contain.

use jtl_erp_generator::{Settings, SourceDocument, generate};

fn models_of(yaml: &str) -> String {
    let doc = SourceDocument {
        path: "inline.yaml".to_owned(),
        text: yaml.to_owned(),
    };
    let generation = generate(&[doc], &Settings::default()).expect("generates");
    generation
        .files
        .into_iter()
        .find(|f| f.path == "src/models.rs")
        .expect("models.rs")
        .contents
}

#[test]
fn integer_enums_without_names_get_value_variants_and_keep_unknowns() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Box:
      type: object
      properties:
        size: {type: integer, enum: [0, 1, -1]}
"#,
    );
    assert!(models.contains("pub enum Size {"), "{models}");
    for variant in [
        "Value0,",
        "Value1,",
        "ValueMinus1,",
        "Unknown(UnknownValue<i64>),",
    ] {
        assert!(models.contains(variant), "missing {variant} in\n{models}");
    }
    // A schema named like a prelude type gets a suffix instead of shadowing it.
    assert!(models.contains("pub struct BoxModel {"), "{models}");
}

#[test]
fn schemas_with_other_properties_stay_apart_and_same_names_are_disambiguated() {
    let first = SourceDocument {
        path: "a.yaml".to_owned(),
        text: "openapi: 3.0.3\ninfo: {title: a, version: '1', x-jtl-module: alpha}\npaths: {}\ncomponents:\n  schemas:\n    Item:\n      type: object\n      properties:\n        id: {type: string}\n".to_owned(),
    };
    let second = SourceDocument {
        path: "b.yaml".to_owned(),
        text: "openapi: 3.0.3\ninfo: {title: b, version: '1', x-jtl-module: beta}\npaths: {}\ncomponents:\n  schemas:\n    Item:\n      type: object\n      properties:\n        Id: {type: string}\n        Name: {type: string}\n".to_owned(),
    };
    let generation = generate(&[first, second], &Settings::default()).expect("generates");
    let models = &generation
        .files
        .iter()
        .find(|f| f.path == "src/models.rs")
        .expect("models")
        .contents;
    assert!(models.contains("pub struct Item {"), "{models}");
    assert!(models.contains("pub struct ItemBeta {"), "{models}");
    let renamed = warnings_of(&generation, jtl_erp_generator::Kind::ModelRenamed);
    assert_eq!(
        renamed,
        [
            "warning: b.yaml#/components/schemas/Item: another concept is named `Item` already; this one becomes `ItemBeta`"
        ]
    );
}

#[test]
fn an_operation_scope_is_carried_into_the_operation_description() {
    let doc = SourceDocument {
        path: "scoped.yaml".to_owned(),
        text: "openapi: 3.0.3\ninfo: {title: s, version: '2.0', x-jtl-module: scoped}\npaths:\n  /v2/items:\n    get:\n      operationId: ListItems\n      x-jtl-scope: items.read\n      responses:\n        '204': {description: none}\n".to_owned(),
    };
    let generation = generate(&[doc], &Settings::default()).expect("generates");
    let module = &generation
        .files
        .iter()
        .find(|f| f.path == "src/scoped.rs")
        .expect("module")
        .contents;
    // The method's documentation says it, under `# Requires`, before a 403 would …
    let docs: Vec<&str> = module
        .lines()
        .map(str::trim_start)
        .skip_while(|l| *l != "/// # Requires")
        .take_while(|l| l.starts_with("///"))
        .collect();
    assert!(
        docs.contains(
            &"/// - the scope `items.read` (the document's `x-jtl-scope`): a token or key without it is refused with 403"
        ),
        "{module}"
    );
    let method = module
        .lines()
        .skip_while(|l| !l.contains("/// # Requires"))
        .find(|l| !l.trim_start().starts_with("///") && !l.trim_start().starts_with("#["))
        .expect("the documented item");
    assert_eq!(method.trim(), "pub fn list_items(&self) -> ListItems {");
    // … and the operation's description, which names it in that 403.
    assert!(module.contains(r#".scope("items.read")"#), "{module}");
}

#[test]
fn two_documents_may_not_become_one_module() {
    let doc = |path: &str| SourceDocument {
        path: path.to_owned(),
        text: "openapi: 3.0.3\ninfo: {title: t, version: '1', x-jtl-module: same}\npaths: {}\n"
            .to_owned(),
    };
    let report =
        generate(&[doc("a.yaml"), doc("b.yaml")], &Settings::default()).expect_err("clash");
    assert_eq!(
        report.to_string(),
        "error: b.yaml#/info: module `same` is generated from a.yaml already; set `info.x-jtl-module` to another name\n1 error(s); nothing was generated"
    );
}

fn generate_one(yaml: &str) -> jtl_erp_generator::Generation {
    let doc = SourceDocument {
        path: "inline.yaml".to_owned(),
        text: yaml.to_owned(),
    };
    generate(&[doc], &Settings::default()).expect("generates")
}

/// The module file that has `needle` (a method's head, `pub fn list_items(`).
fn module_with<'g>(generation: &'g jtl_erp_generator::Generation, needle: &str) -> &'g str {
    &generation
        .files
        .iter()
        .find(|f| f.path.starts_with("src/") && f.contents.contains(needle))
        .unwrap_or_else(|| panic!("no module has `{needle}`"))
        .contents
}

/// The warnings of one kind, as printed.
fn warnings_of(
    generation: &jtl_erp_generator::Generation,
    kind: jtl_erp_generator::Kind,
) -> Vec<String> {
    generation
        .warnings
        .iter()
        .filter(|w| w.kind == kind)
        .map(|w| w.to_string())
        .collect()
}

fn file<'g>(generation: &'g jtl_erp_generator::Generation, path: &str) -> &'g str {
    &generation
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path}"))
        .contents
}

/// Without a security requirement no auth provider supplies `Authorization`: a declared
/// `Authorization` header parameter is the caller's argument (Oxide's keeper does this).
#[test]
fn an_authorization_parameter_without_security_stays_an_argument() {
    let doc = |security: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: "1"}}
{security}
paths:
  /report:
    post:
      operationId: report
      parameters:
        - {{name: Authorization, in: header, required: true, schema: {{type: string}}}}
      responses: {{"204": {{description: done}}}}
components:
  securitySchemes:
    bearer: {{type: http, scheme: bearer}}
"#
        )
    };
    let open = generate_one(&doc(""));
    let module = file(&open, "src/inline.rs");
    assert!(
        module.contains("authorization: impl Into<String>")
            && module.contains("\"Authorization\","),
        "{module}"
    );
    let secured = generate_one(&doc("security: [{bearer: []}]"));
    let module = file(&secured, "src/inline.rs");
    assert!(
        !module.contains("authorization: impl Into<String>"),
        "{module}"
    );
}

/// A schema that requires a property it does not declare still gets a field for it, so that a
/// valid body can be sent (Oxide's cli-gen does this).
#[test]
fn a_required_but_undeclared_property_gets_a_json_field_with_a_warning() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Body:
      type: object
      required: [known, required]
      properties:
        known: {type: string}
"#,
    );
    let models = file(&generation, "src/models.rs");
    assert!(
        models.contains("pub required: rt::serde_json::Value,"),
        "{models}"
    );
    let warning = generation
        .warnings
        .iter()
        .find(|w| w.kind == jtl_erp_generator::Kind::RequiredUndeclared)
        .expect("warned");
    assert_eq!(
        warning.to_string(),
        "warning: inline.yaml#/components/schemas/Body/required/1: schema `Body` requires property `required` without declaring it; its field is a serde_json::Value"
    );
}

/// Text from the document lands in doc comments and string literals: line breaks in enum values
/// and titles, and the bidirectional controls rustc denies in comments and literals, neither
/// break the generated Rust nor reach it raw.
#[test]
fn hostile_text_in_descriptions_titles_and_values_stays_inside_comments_and_literals() {
    let generation = generate_one(
        r##"{
  "openapi": "3.0.3",
  "info": {"title": "Shop\napi \u202e", "version": "1"},
  "paths": {
    "/items": {
      "get": {
        "operationId": "ListItems",
        "description": "Lists \u202eitems\u2066 */ done\r\nnext line",
        "parameters": [{"name": "kind", "in": "query", "schema": {"$ref": "#/components/schemas/Kind"}}],
        "responses": {"200": {"description": "ok \u2069", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
      }
    }
  },
  "components": {
    "schemas": {
      "Kind": {"type": "string", "enum": ["a\nb", "c\u202ed", "*/"]},
      "Item": {"type": "object", "description": "An item\u202e", "properties": {"name": {"type": "string", "description": "Its \"name\"\u2067"}}}
    }
  }
}"##,
    );
    for file in generation.files.iter().filter(|f| f.path.ends_with(".rs")) {
        syn::parse_file(&file.contents)
            .unwrap_or_else(|e| panic!("{} is not Rust: {e}\n{}", file.path, file.contents));
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\r',
        ] {
            assert!(
                !file.contents.contains(c),
                "{}: a raw {c:?}\n{}",
                file.path,
                file.contents
            );
        }
    }
    let models = file(&generation, "src/models.rs");
    assert!(models.contains(r#"/// `c\u{202e}d`"#), "{models}");
    assert!(models.contains(r#""c\u{202e}d" => Self::"#), "{models}");
}

/// `x-enumNames` name the values only when they name each once and none takes the name of the
/// `Unknown` variant every enum has; otherwise the values are `ValueN`, with a warning.
#[test]
fn enum_names_that_repeat_or_take_unknown_fall_back_to_value_names() {
    for names in [r#"["Same", "Same"]"#, r#"["Unknown", "Other"]"#] {
        let generation = generate_one(&format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths: {{}}
components:
  schemas:
    Thing:
      type: object
      properties:
        level: {{$ref: '#/components/schemas/Level'}}
    Level:
      type: integer
      enum: [1, 2]
      x-enumNames: {names}
"#
        ));
        let models = file(&generation, "src/models.rs");
        assert!(
            models.contains("    Value1,\n") && models.contains("    Value2,\n"),
            "{names}: {models}"
        );
        assert!(
            generation
                .warnings
                .iter()
                .any(|w| w.kind == jtl_erp_generator::Kind::EnumNamesMismatch),
            "{names}: {:?}",
            generation.warnings
        );
    }
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        level: {$ref: '#/components/schemas/Level'}
    Level:
      type: integer
      enum: [1, 2]
      x-enumNames: [Low, High]
"#,
    );
    let models = file(&generation, "src/models.rs");
    assert!(
        models.contains("    Low,\n") && models.contains("    High,\n"),
        "{models}"
    );
    assert!(generation.warnings.is_empty(), "{:?}", generation.warnings);
}

/// An operation's parameter replaces the path item's parameter of the same name and place, and
/// only that one: a header and a query parameter may share a name.
#[test]
fn operation_parameters_override_path_parameters_of_the_same_name_and_place() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    parameters:
      - {name: limit, in: query, description: from the path item, schema: {type: integer}}
      - {name: trace, in: query, description: the query one, schema: {type: string}}
    get:
      operationId: ListItems
      parameters:
        - {name: limit, in: query, description: from the operation, schema: {type: integer}}
        - {name: trace, in: header, description: the header one, schema: {type: string}}
      responses:
        "204": {description: none}
"#,
    );
    let module = module_with(&generation, "pub fn list_items");
    assert!(module.contains("from the operation"), "{module}");
    assert!(!module.contains("from the path item"), "{module}");
    assert!(
        module.contains("the query one") && module.contains("the header one"),
        "{module}"
    );
    assert_eq!(
        module.matches("query.push_optional(\"limit\"").count(),
        1,
        "{module}"
    );
    assert!(module.contains("query.push_optional(\"trace\""), "{module}");
    assert!(module.contains("headers.push((\"trace\""), "{module}");
}

/// An `allOf` of objects is one model with the properties of every part, `$ref`s included.
#[test]
fn all_of_parts_merge_into_one_model() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Extended:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            extra: {type: integer, format: int32}
"#,
    );
    let models = file(&generation, "src/models.rs");
    let extended = models
        .split("pub struct Extended {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .unwrap_or_else(|| panic!("no struct Extended: {models}"));
    assert!(extended.contains("    pub id: String,"), "{extended}");
    assert!(
        extended.contains("    pub extra: Option<i32>,"),
        "{extended}"
    );
}

/// String formats the client has a type for get it; any other format is a plain `String`.
#[test]
fn string_formats_map_to_their_types_and_unknown_formats_to_string() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Formats:
      type: object
      properties:
        id: {type: string, format: uuid}
        at: {type: string, format: date-time}
        day: {type: string, format: date}
        blob: {type: string, format: byte}
        host: {type: string, format: hostname}
        plain: {type: string}
"#,
    );
    for field in [
        "pub id: Option<rt::uuid::Uuid>,",
        "pub at: Option<rt::chrono::DateTime<rt::chrono::FixedOffset>>,",
        "pub day: Option<rt::chrono::NaiveDate>,",
        "pub blob: Option<rt::Base64Bytes>,",
        "pub host: Option<String>,",
        "pub plain: Option<String>,",
    ] {
        assert!(models.contains(field), "{field}: {models}");
    }
}

/// A third operation with an id taken twice already gets the next free number.
#[test]
fn repeated_operation_ids_are_numbered_until_free() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a: {get: {operationId: Fetch, responses: {"204": {description: none}}}}
  /b: {get: {operationId: Fetch, responses: {"204": {description: none}}}}
  /c: {get: {operationId: Fetch, responses: {"204": {description: none}}}}
"#,
    );
    let module = module_with(&generation, "pub fn fetch(");
    for method in ["pub fn fetch(", "pub fn fetch_2(", "pub fn fetch_3("] {
        assert!(module.contains(method), "{method}: {module}");
    }
    let renamed = generation
        .warnings
        .iter()
        .filter(|w| w.kind == jtl_erp_generator::Kind::OperationIdDuplicate)
        .count();
    assert_eq!(renamed, 2, "{:?}", generation.warnings);
}

/// Properties that become the same Rust field are numbered, each once, with a warning each.
#[test]
fn properties_that_become_one_field_name_are_numbered() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        app_id: {type: string}
        app-id: {type: string}
        app.id: {type: string}
"#,
    );
    let models = file(&generation, "src/models.rs");
    for field in ["pub app_id: ", "pub app_id_2: ", "pub app_id_3: "] {
        assert!(models.contains(field), "{field}: {models}");
    }
    let renamed: Vec<&str> = generation
        .warnings
        .iter()
        .filter(|w| w.kind == jtl_erp_generator::Kind::FieldRenamed)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(renamed.len(), 2, "{renamed:?}");
}

/// Only schemas of one concept are unified: `Item` and `Customer` with the same properties stay
/// two models.
#[test]
fn schemas_of_different_concepts_stay_apart_even_with_the_same_properties() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Item:
      type: object
      properties:
        name: {type: string}
    Customer:
      type: object
      properties:
        name: {type: string}
    CreateItem:
      type: object
      properties:
        name: {type: string}
"#,
    );
    assert!(models.contains("pub struct Item {"), "{models}");
    assert!(models.contains("pub struct Customer {"), "{models}");
    assert!(
        !models.contains("pub struct CreateItem {"),
        "CreateItem is the Item concept: {models}"
    );
}

/// A `oneOf` of a string and a string enum is a `String`, with a warning that the values are not
/// checked.
#[test]
fn a_union_of_a_string_and_a_string_enum_is_a_string() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    get:
      operationId: ListItems
      parameters:
        - name: state
          in: query
          schema:
            oneOf:
              - {type: string}
              - {$ref: '#/components/schemas/State'}
      responses:
        "204": {description: none}
components:
  schemas:
    State: {type: string, enum: [open, closed]}
"#,
    );
    let module = module_with(&generation, "pub fn list_items(");
    assert!(
        module.contains("pub fn state(mut self, value: impl Into<String>) -> Self"),
        "{module}"
    );
    assert!(
        generation
            .warnings
            .iter()
            .any(|w| w.kind == jtl_erp_generator::Kind::UnionAsString),
        "{:?}",
        generation.warnings
    );
}

/// Vendor-style ids lose their controller prefix and `Async` where no other operation of the
/// module would get the same name, and keep the prefix where one would.
#[test]
fn vendor_style_ids_become_short_method_names_where_unambiguous() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /customers: {get: {operationId: CustomerHeader_QueryCustomersAsync, responses: {"204": {description: none}}}}
  /items/add: {post: {operationId: Item_AddItemsAsync, responses: {"204": {description: none}}}}
  /customers/add: {post: {operationId: Customer_AddItemsAsync, responses: {"204": {description: none}}}}
"#,
    );
    let module = module_with(&generation, "pub fn ");
    for method in [
        "pub fn query_customers(",
        "pub fn item_add_items(",
        "pub fn customer_add_items(",
    ] {
        assert!(module.contains(method), "{method}: {module}");
    }
}

/// An enum named like a model (an inline `kind` enum next to a `Kind` schema) takes a `Kind`
/// suffix instead of clashing with it.
#[test]
fn an_enum_named_like_a_model_is_renamed() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Item:
      type: object
      properties:
        kind: {type: string, enum: [a, b]}
    Kind:
      type: object
      properties:
        x: {type: string}
"#,
    );
    assert!(models.contains("pub struct Kind {"), "{models}");
    assert!(models.contains("pub enum KindKind {"), "{models}");
    assert!(
        models.contains("pub kind: Option<crate::models::KindKind>,"),
        "{models}"
    );
}

/// `x-enumNames` on a parameter name its enum unless the schema names the values itself.
#[test]
fn a_schema_s_own_enum_names_win_over_the_parameter_s() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    get:
      operationId: ListItems
      parameters:
        - name: level
          in: query
          x-enumNames: [A, B]
          schema: {type: integer, enum: [1, 2], x-enumNames: [Low, High]}
        - name: size
          in: query
          x-enumNames: [Small, Large]
          schema: {type: integer, enum: [1, 2]}
      responses:
        "204": {description: none}
"#,
    );
    for variant in ["    Low,\n", "    High,\n", "    Small,\n", "    Large,\n"] {
        assert!(models.contains(variant), "{variant}: {models}");
    }
    assert!(!models.contains("    A,\n"), "{models}");
}

/// Two documents with an inline object at the same place get a model each: what one document
/// declares there says nothing about the other.
#[test]
fn inline_objects_at_the_same_place_of_two_documents_stay_apart() {
    let doc = |path: &str, property: &str| SourceDocument {
        path: path.to_owned(),
        text: format!(
            r#"
openapi: 3.0.3
info: {{title: {path}, version: "1"}}
paths:
  /items:
    post:
      operationId: AddItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                {property}: {{type: string}}
      responses:
        "204": {{description: none}}
"#
        ),
    };
    let generation = generate(
        &[doc("one.yaml", "alpha"), doc("two.yaml", "beta")],
        &Settings::default(),
    )
    .expect("generates");
    let structs = structs_of(file(&generation, "src/models.rs"));
    let field = |name: &str| vec![(name.to_owned(), "Option < String >".to_owned())];
    assert_eq!(
        structs,
        [
            ("AddItemRequest".to_owned(), field("alpha")),
            ("AddItemRequestTwo".to_owned(), field("beta")),
        ]
    );
    // Each document's operation takes its own model.
    for (module, model) in [("one", "AddItemRequest"), ("two", "AddItemRequestTwo")] {
        let body = parameter_of(
            file(&generation, &format!("src/{module}.rs")),
            "add_item",
            "body",
        );
        assert_eq!(body, format!("crate :: models :: {model}"), "{module}");
    }
}

/// The structs of a generated file, parsed with syn: each with its fields and their types
/// (as token text, `Option < String >`), in file order.
fn structs_of(code: &str) -> Vec<(String, Vec<(String, String)>)> {
    use quote::ToTokens as _;
    let file = syn::parse_file(code).unwrap_or_else(|e| panic!("not Rust: {e}\n{code}"));
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .map(|f| {
                        let name = f
                            .ident
                            .as_ref()
                            .map_or_else(String::new, ToString::to_string);
                        (name, f.ty.to_token_stream().to_string())
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The type of parameter `parameter` of method `method` of the `Client` in a generated
/// module, parsed with syn, as token text.
fn parameter_of(code: &str, method: &str, parameter: &str) -> String {
    use quote::ToTokens as _;
    let file = syn::parse_file(code).unwrap_or_else(|e| panic!("not Rust: {e}\n{code}"));
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) => Some(i),
            _ => None,
        })
        .flat_map(|i| &i.items)
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == method => Some(&f.sig),
            _ => None,
        })
        .flat_map(|sig| &sig.inputs)
        .find_map(|input| match input {
            syn::FnArg::Typed(t) if t.pat.to_token_stream().to_string() == parameter => {
                Some(t.ty.to_token_stream().to_string())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `{method}({parameter})` in\n{code}"))
}

/// A renamed concept's warning points at its own schema.
#[test]
fn a_renamed_concept_is_located_at_its_own_schema() {
    let doc = |path: &str, module: &str, schemas: &str| SourceDocument {
        path: path.to_owned(),
        text: format!(
            "openapi: 3.0.3\ninfo: {{title: {module}, version: '1', x-jtl-module: {module}}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        ),
    };
    let generation = generate(
        &[
            doc(
                "a.yaml",
                "alpha",
                "    Aardvark:\n      type: object\n      properties:\n        x: {type: string}\n    Item:\n      type: object\n      properties:\n        id: {type: string}\n",
            ),
            doc(
                "b.yaml",
                "beta",
                "    Item:\n      type: object\n      properties:\n        Id: {type: string}\n        Name: {type: string}\n",
            ),
        ],
        &Settings::default(),
    )
    .expect("generates");
    let renamed = warnings_of(&generation, jtl_erp_generator::Kind::ModelRenamed);
    assert_eq!(
        renamed,
        [
            "warning: b.yaml#/components/schemas/Item: another concept is named `Item` already; this one becomes `ItemBeta`"
        ]
    );
}

/// An `allOf` part that only requires a property another part declares makes it required.
#[test]
fn an_all_of_part_requiring_another_part_s_property_makes_it_required() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: string}
        note: {type: string}
    Strict:
      allOf:
        - $ref: '#/components/schemas/Base'
        - required: [id]
"#,
    );
    let strict = models
        .split("pub struct Strict {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .unwrap_or_else(|| panic!("no struct Strict: {models}"));
    assert!(strict.contains("    pub id: String,"), "{strict}");
    assert!(strict.contains("    pub note: Option<String>,"), "{strict}");
    assert!(!strict.contains("serde_json::Value"), "{strict}");
}

/// A success answer without a body documented before one with a body (`204`, then `200`): the
/// method returns an `Option`, as in the other order.
#[test]
fn an_empty_success_before_a_success_with_a_body_gives_an_option() {
    for order in [["204", "200"], ["200", "204"]] {
        let answer = |status: &str| {
            if status == "200" {
                "        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {type: string}\n"
            } else {
                "        \"204\": {description: none}\n"
            }
        };
        let generation = generate_one(&format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    get:\n      operationId: GetX\n      responses:\n{}{}",
            answer(order[0]),
            answer(order[1])
        ));
        let module = module_with(&generation, "pub fn get_x(");
        assert!(
            module.contains("rt::ResponseValue<Option<String>>"),
            "{order:?}: {module}"
        );
    }
}

/// An inline object takes the name of where it sits unless a schema of the document, declared or
/// inline, has it already: then the next number.
#[test]
fn inline_objects_take_free_names() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /orders:
    post:
      operationId: Order
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                qty: {type: integer}
      responses:
        "204": {description: none}
components:
  schemas:
    Order:
      type: object
      properties:
        request:
          type: object
          properties:
            note: {type: string}
        address:
          type: object
          properties:
            street: {type: string}
    OrderAddress:
      type: object
      properties:
        city: {type: string}
"#,
    );
    let models = file(&generation, "src/models.rs");
    for (model, field) in [
        ("OrderRequest", "pub note: Option<String>,"),
        ("OrderAddress2", "pub street: Option<String>,"),
        ("OrderAddress", "pub city: Option<String>,"),
        ("OrderRequest2", "pub qty: Option<i64>,"),
    ] {
        let body = models
            .split(&format!("pub struct {model} {{"))
            .nth(1)
            .and_then(|rest| rest.split("\n}\n").next())
            .unwrap_or_else(|| panic!("no struct {model}: {models}"));
        assert!(body.contains(field), "{model}: {body}");
    }
}

/// `x-jtl-model-name` names a concept; members that spell it differently are an error naming
/// both places.
#[test]
fn model_name_overrides_name_concepts_and_must_agree() {
    let doc = |first: &str, second: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    CreateThing:\n      x-jtl-model-name: {first}\n      type: object\n      properties:\n        name: {{type: string}}\n    UpdateThing:\n      x-jtl-model-name: {second}\n      type: object\n      properties:\n        name: {{type: string}}\n"
        )
    };
    let models = models_of(&doc("Gadget", "Gadget"));
    assert!(models.contains("pub struct Gadget {"), "{models}");
    assert!(!models.contains("pub struct CreateThing"), "{models}");
    let report = generate(
        &[SourceDocument {
            path: "inline.yaml".to_owned(),
            text: doc("Gadget", "GADGET"),
        }],
        &Settings::default(),
    )
    .expect_err("the names disagree");
    assert!(
        report
            .to_string()
            .contains("x-jtl-model-name `GADGET` disagrees with `Gadget`"),
        "{report}"
    );
}

/// Security requirements become the operation's auth need: none when every alternative is
/// empty, optional when one is, required otherwise.
#[test]
fn security_alternatives_decide_whether_credentials_are_needed() {
    for (security, need) in [
        ("[]", "None"),
        ("[{}]", "None"),
        ("[{}, {key: []}]", "Optional"),
        ("[{key: []}]", "Required"),
    ] {
        let generation = generate_one(&format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    get:\n      operationId: GetX\n      security: {security}\n      responses:\n        '204': {{description: none}}\ncomponents:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: x-api-key}}\n"
        ));
        let module = module_with(&generation, "pub fn get_x(");
        // `Operation::new` needs no credentials; anything else is set.
        let set = module.contains(&format!(".auth(rt::AuthNeed::{need})"));
        let any = module.contains(".auth(");
        assert!(
            if need == "None" { !any } else { set },
            "{security}: {module}"
        );
    }
}

/// A list of lists does not fit a query string: the parameter is taken as text, with a warning.
#[test]
fn a_query_parameter_of_lists_of_lists_is_taken_as_text() {
    let generation = generate_one(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: GetX\n      parameters:\n        - name: grid\n          in: query\n          schema: {type: array, items: {type: array, items: {type: integer}}}\n        - name: ids\n          in: query\n          schema: {type: array, items: {type: integer}}\n      responses:\n        '204': {description: none}\n",
    );
    let module = module_with(&generation, "pub fn get_x(");
    assert!(
        module.contains("pub fn grid(mut self, value: impl Into<String>) -> Self"),
        "{module}"
    );
    assert!(
        module.contains("pub fn ids(mut self, value: impl Into<Vec<i64>>) -> Self"),
        "{module}"
    );
    assert_eq!(generation.warnings.len(), 1, "{:?}", generation.warnings);
}

/// `allOf`s that lead back to themselves end at a depth limit instead of recursing forever.
#[test]
fn cyclic_all_of_ends_at_the_depth_limit() {
    let generation = generate_one(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/B'}\n    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          properties:\n            x: {type: string}\n",
    );
    // Without the limit, this would not return; with it, the cycle is JSON, with a warning.
    let models = file(&generation, "src/models.rs");
    assert!(
        models.contains("pub b: Option<rt::serde_json::Value>,"),
        "{models}"
    );
    assert!(!models.contains("pub struct B {"), "{models}");
    assert!(
        generation
            .warnings
            .iter()
            .any(|w| w.kind == jtl_erp_generator::Kind::KeptAsJson),
        "{:?}",
        generation.warnings
    );
}

/// An enum renamed because a model has its name does not take another enum's name either.
#[test]
fn a_renamed_enum_does_not_take_another_enum_s_name() {
    let models = models_of(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Item:
      type: object
      properties:
        kind: {type: string, enum: [a, b]}
        kind_kind: {type: string, enum: [c, d]}
    Kind:
      type: object
      properties:
        x: {type: string}
"#,
    );
    for name in [
        "pub struct Kind {",
        "pub enum KindKind {",
        "pub enum KindKindKind {",
    ] {
        assert!(models.contains(name), "{name}: {models}");
    }
}

/// Several success answers: the same body is one type; a body that is not JSON next to one that
/// is makes the method return the bytes, with a warning.
#[test]
fn success_answers_with_the_same_body_are_one_type_and_mixed_media_are_bytes() {
    let op = |responses: &str| {
        let generation = generate_one(&format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    post:\n      operationId: PostX\n      responses:\n{responses}components:\n  schemas:\n    Item: {{type: object, properties: {{id: {{type: string}}}}}}\n"
        ));
        let module = module_with(&generation, "pub fn post_x(").to_owned();
        (module, generation.warnings)
    };
    let json = |status: &str| {
        format!(
            "        '{status}':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Item'}}\n"
        )
    };
    let (module, warnings) = op(&format!("{}{}", json("200"), json("201")));
    assert!(
        module.contains("rt::ResponseValue<crate::models::Item>"),
        "{module}"
    );
    assert!(!module.contains("pub enum PostXResponse"), "{module}");
    assert!(warnings.is_empty(), "{warnings:?}");

    let text = "        '202':\n          description: accepted\n          content:\n            text/plain:\n              schema: {type: string}\n";
    for responses in [
        format!("{}{text}", json("200")),
        format!("{}{}", text.replace("'202'", "'200'"), json("201")),
    ] {
        let (module, warnings) = op(&responses);
        assert!(
            module.contains("rt::ResponseValue<rt::bytes::Bytes>"),
            "{responses}: {module}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.kind == jtl_erp_generator::Kind::SuccessBodiesDiffer),
            "{responses}: {warnings:?}"
        );
    }
}

/// `additionalProperties: true` is a map of JSON values.
#[test]
fn additional_properties_true_is_a_map_of_json_values() {
    let models = models_of(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Bag:\n      type: object\n      properties:\n        extra: {type: object, additionalProperties: true}\n        counts: {type: object, additionalProperties: {type: integer}}\n",
    );
    assert!(
        models.contains(
            "pub extra: Option<::std::collections::BTreeMap<String, rt::serde_json::Value>>,"
        ),
        "{models}"
    );
    assert!(
        models.contains("pub counts: Option<::std::collections::BTreeMap<String, i64>>,"),
        "{models}"
    );
}

/// A path parameter the template names but nothing declares is still an argument (text), with a
/// warning; an empty `allOf` is JSON, with a warning, not a model without fields.
#[test]
fn undeclared_path_parameters_are_text_and_an_empty_all_of_is_json() {
    let generation = generate_one(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items/{id}:\n    get:\n      operationId: GetItem\n      responses:\n        '204': {description: none}\ncomponents:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        empty: {$ref: '#/components/schemas/Empty'}\n    Empty:\n      allOf: []\n",
    );
    let module = module_with(&generation, "pub fn get_item(");
    assert!(
        module.contains("pub fn get_item(&self, id: impl Into<String>) -> GetItem {"),
        "{module}"
    );
    assert!(
        module.contains("rt::codegen::encode_path_segment(self.id.as_str())"),
        "{module}"
    );
    let models = file(&generation, "src/models.rs");
    assert!(
        models.contains("pub empty: Option<rt::serde_json::Value>,"),
        "{models}"
    );
    assert!(!models.contains("pub struct Empty"), "{models}");
    let kinds: Vec<&str> = generation.warnings.iter().map(|w| w.kind.name()).collect();
    assert!(kinds.contains(&"path-parameter-undeclared"), "{kinds:?}");
    assert!(kinds.contains(&"kept-as-json"), "{kinds:?}");
}

/// String values that give the same variant name, or the name of the `Unknown` variant, are
/// numbered.
#[test]
fn string_enum_values_get_distinct_variant_names() {
    let models = models_of(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        mode: {type: string, enum: [a, A, unknown]}\n",
    );
    for variant in ["    A,\n", "    A2,\n", "    Unknown2,\n"] {
        assert!(models.contains(variant), "{variant}: {models}");
    }
    assert!(models.contains(r#""A" => Self::A2,"#), "{models}");
}

/// `allOf`s nested 16 deep are merged; deeper ones end at the limit and are JSON, with a warning.
#[test]
fn all_of_nesting_is_merged_up_to_sixteen_levels() {
    let chain = |levels: usize| {
        let mut yaml = String::from(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Holder:\n      type: object\n      properties:\n        a: {$ref: '#/components/schemas/A0'}\n",
        );
        for i in 0..levels {
            yaml.push_str(&format!(
                "    A{i}:\n      allOf:\n        - $ref: '#/components/schemas/A{}'\n        - type: object\n          properties:\n            p{i}: {{type: string}}\n",
                i + 1
            ));
        }
        yaml.push_str(&format!(
            "    A{levels}:\n      type: object\n      properties:\n        deep: {{type: string}}\n"
        ));
        generate_one(&yaml)
    };
    let generation = chain(16);
    let models = file(&generation, "src/models.rs");
    let a0 = models
        .split("pub struct A0 {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .unwrap_or_else(|| panic!("no struct A0: {models}"));
    assert!(
        a0.contains("pub deep: Option<String>,") && a0.contains("pub p0: Option<String>,"),
        "{a0}"
    );
    let generation = chain(17);
    assert!(
        !file(&generation, "src/models.rs").contains("pub struct A0 {"),
        "17 levels are past the limit"
    );
    assert!(
        generation
            .warnings
            .iter()
            .any(|w| w.kind == jtl_erp_generator::Kind::KeptAsJson),
        "{:?}",
        generation.warnings
    );
}

/// A short name is taken only when no other operation's full name is the same either.
#[test]
fn a_short_method_name_does_not_take_another_operation_s_full_name() {
    let generation = generate_one(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {operationId: Customer_ItemsAsync, responses: {'204': {description: none}}}}\n  /b: {get: {operationId: Items, responses: {'204': {description: none}}}}\n",
    );
    let module = module_with(&generation, "pub fn ");
    assert!(module.contains("pub fn customer_items("), "{module}");
    assert!(module.contains("pub fn items("), "{module}");
    assert!(generation.warnings.is_empty(), "{:?}", generation.warnings);
}

/// Names a vendor release brings that clash with what the module names already (a method of
/// `Client`, the module's `Client` type, another operation's response enum, the request
/// builder's methods and fields, another setter) are settled, each with an `operation-renamed`
/// warning naming the operation and, for a type, the place that holds the name. The fixture
/// also compiles without warnings (compile.rs).
#[test]
fn clashing_methods_builders_and_setters_are_renamed_with_a_warning() {
    let generation = generate(
        &[super::snapshots::fixture("clashes")],
        &Settings::default(),
    )
    .expect("generates");
    let module = file(&generation, "src/clashes.rs");
    for expected in [
        "pub fn transport_operation(&self) -> TransportOperation {",
        "pub enum TransportOperationResponse {",
        "pub struct TransportOperationResponseRequest {",
        "pub fn client(&self) -> ClientRequest {",
        "pub fn send_param(mut self, value: impl Into<String>) -> Self",
        "pub fn set_send_2(mut self, value: Option<String>) -> Self",
        "pub fn set_send(mut self, value: impl Into<String>) -> Self",
        "pub fn set_set_send(mut self, value: Option<String>) -> Self",
        "pub fn into_items_param(mut self, value: impl Into<i64>) -> Self",
        "pub fn client_param(mut self, value: impl Into<String>) -> Self",
        "pub fn body_param(mut self, value: impl Into<String>) -> Self",
    ] {
        assert!(module.contains(expected), "{expected}\n{module}");
    }
    let renamed = warnings_of(&generation, jtl_erp_generator::Kind::OperationRenamed);
    assert_eq!(renamed.len(), 5, "{renamed:#?}");
    assert!(
        renamed.iter().any(|w| w.contains(
            "the type `TransportOperationResponse` of operation `TransportOperationResponse` is taken by operation `transport` (tests/fixtures/clashes/clashes.yaml#/paths/~1transport/get)"
        )),
        "{renamed:#?}"
    );
    assert!(
        renamed
            .iter()
            .any(|w| w.contains("is taken by the module's own `Client`")),
        "{renamed:#?}"
    );
}

/// A method's documentation says what the operation requires: its `x-jtl-scope`, the scopes of
/// its security requirements, the properties its body's schema requires (by wire name), and
/// its optional inputs as the setters that set them.
#[test]
fn a_methods_docs_list_scopes_required_properties_and_setters() {
    let generation = generate_one(
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    post:
      operationId: AddThing
      x-jtl-scope: things.write
      security: [{oauth: [things.admin, things.write]}]
      parameters:
        - {name: dryRun, in: query, description: Only check, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [Name, Size]
              properties:
                Name: {type: string}
                Size: {type: integer}
                Note: {type: string}
      responses: {"204": {description: done}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://example.com/token
          scopes: {things.admin: admin, things.write: write}
"#,
    );
    let module = file(&generation, "src/inline.rs");
    for line in [
        "/// - `body`: the request body",
        "/// Setters of [`AddThing`] (each also as `set_…` taking an `Option`):",
        "/// - `dry_run(…)`: Only check",
        "/// - the scope `things.write` (the document's `x-jtl-scope`): a token or key without it is refused with 403",
        "/// - the scope `things.admin` (its security requirements; see below)",
        "/// - in the body, the properties `Name`, `Size` (required by the schema `AddThingRequest`; a missing one is an error before anything is sent)",
        "/// Security in the document: `oauth` (scopes `things.admin`, `things.write`); the client's auth provider supplies it.",
    ] {
        assert!(module.contains(line), "{line}\n{module}");
    }
}

/// The front page (`README.md`, docs.rs' page through `lib.rs`): a crate of other documents gets
/// their `info` and its modules with their operation counts, none of the JTL guide; `generated/`
/// gets the hand-written guide (generator/inlineable/front-page.md), whose Rust blocks are its
/// doctests.
#[test]
fn the_front_page_is_the_documents_info_or_the_jtl_guide() {
    let generation = generate_one(
        "openapi: 3.0.3\ninfo:\n  title: Pet Store\n  version: '1'\n  description: Pets, sold at <https://pets.example>.\npaths:\n  /pets:\n    get:\n      operationId: ListPets\n      responses: {'204': {description: none}}\n    post:\n      operationId: AddPet\n      responses: {'204': {description: none}}\n",
    );
    let readme = file(&generation, "README.md");
    assert!(
        readme.starts_with(
            "<!-- generated by `cargo xtask regen`, do not edit -->\n# jtl-erp-client\n"
        ),
        "{readme}"
    );
    for expected in [
        "## Pet Store\n\nPets, sold at <https://pets.example>.\n",
        "| `inline` | Pet Store | 2 |",
        "This is version 0.1.0.",
        "[CHANGELOG.md](CHANGELOG.md)",
    ] {
        assert!(readme.contains(expected), "no {expected:?} in:\n{readme}");
    }
    assert!(
        !readme.contains("FakeJtl") && !readme.contains("```"),
        "{readme}"
    );
    let lib = file(&generation, "src/lib.rs");
    assert!(
        lib.contains("#![doc = include_str!(\"../README.md\")]"),
        "{lib}"
    );
    assert!(
        file(&generation, "Cargo.toml").contains("\nreadme = \"README.md\"\n"),
        "the manifest names the README"
    );

    let generated = jtl_erp_tests::repo_root().join("generated");
    let readme = std::fs::read_to_string(generated.join("README.md")).expect("generated/README.md");
    let guide = std::fs::read_to_string(
        jtl_erp_tests::repo_root().join("generator/inlineable/front-page.md"),
    )
    .expect("the guide");
    assert!(
        readme.contains(guide.trim()),
        "generated/README.md lacks the guide"
    );
    for expected in [
        "```rust,no_run",
        "| `erp_v2` | JTL ERP API 2.0",
        "FakeJtl",
        "is_no_licence",
    ] {
        assert!(
            readme.contains(expected),
            "no {expected:?} in generated/README.md"
        );
    }
}
