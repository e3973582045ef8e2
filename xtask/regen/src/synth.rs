//! A synthetic OpenAPI document in the vendor's style, for the scale benchmark and the
//! compile test: `resources × 5` operations (list, get, create, update, and adding items with
//! a JSON array body), six schemas per resource plus shared ones, PascalCase bodies, context and
//! auth headers on every operation, controller-prefixed operation ids
//! (`CustomerHeader_QueryCustomersAsync`), query parameters (one an integer enum named by
//! `x-enumNames` on the parameter, one a `oneOf` of string enums), schema-less 402 answers,
//! integer enums named by `x-enumNames`, Create/Update pairs whose nested items disagree
//! (`CreateItem.Addresses` holds `Address`, `UpdateItem.Addresses` holds `UpdateAddress`), and
//! examples of the wrong type. Deterministic: the same count gives the same text.

use std::fmt::Write as _;

const NOUNS: &[&str] = &[
    "Item",
    "Customer",
    "Supplier",
    "SalesOrder",
    "Invoice",
    "Delivery",
    "Warehouse",
    "Stock",
    "Category",
    "Manufacturer",
    "Property",
    "Price",
    "Tax",
    "Payment",
    "Shipping",
    "Return",
    "Offer",
    "Company",
    "Employee",
    "Label",
    "Note",
    "Unit",
    "Currency",
    "Country",
    "Language",
];
const KINDS: &[&str] = &["", "Group", "Attribute"];

/// The document with `resources` resources (75 give 375 operations and 454 schemas).
pub fn synthetic_document(resources: usize) -> String {
    let names: Vec<String> = (0..resources)
        .map(|i| {
            let base = format!(
                "{}{}",
                NOUNS[i % NOUNS.len()],
                KINDS[(i / NOUNS.len()) % KINDS.len()]
            );
            if i < NOUNS.len() * KINDS.len() {
                base
            } else {
                format!("{base}{}", i / (NOUNS.len() * KINDS.len()))
            }
        })
        .collect();
    let mut doc = String::from(HEAD);
    doc.push_str("paths:\n");
    for name in &names {
        paths(&mut doc, name);
    }
    doc.push_str(COMPONENTS_HEAD);
    for name in &names {
        schemas(&mut doc, name);
    }
    doc
}

/// The same document written in OpenAPI 3.1: `type: [string, "null"]` for `nullable`, schema
/// `examples` lists for `example`. The generator makes the same client of both (tested); the
/// regen bench times the two side by side (issue 37: 3.1 within 1.2× of 3.0).
pub fn synthetic_document_31(resources: usize) -> String {
    synthetic_document(resources)
        .replacen("openapi: 3.0.4", "openapi: 3.1.0", 1)
        .replace(
            "{type: string, nullable: true}",
            "{type: [string, \"null\"]}",
        )
        .replace("example: \"A name\"", "examples: [\"A name\"]")
        .replace("example: \"Active\"", "examples: [\"Active\"]")
        .replace("example: \"\"}", "examples: [\"\"]}")
}

const HEAD: &str = r##"openapi: 3.0.4
info:
  title: Synthetic ERP API in the vendor's style
  version: "1.0"
  x-jtl-module: synthetic
servers:
  - url: https://api.jtl-cloud.com/erp
"##;

const HEADERS: &str = r##"        - {name: api-version, in: header, schema: {type: string}}
        - {name: x-appid, in: header, required: true, schema: {type: string}}
        - {name: x-appversion, in: header, required: true, schema: {type: string}}
        - {name: x-runas, in: header, schema: {type: string}}
        - {name: x-api-key, in: header, schema: {type: string}}
        - {name: tenant-id, in: header, required: true, schema: {type: string, format: uuid}}
"##;

const ERRORS: &str = r##"        "402":
          description: No licence
          content:
            application/json: {}
        "403":
          description: Forbidden
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ErrorResponse"}
        "404":
          description: Not found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ErrorResponse"}
"##;

const SECURITY: &str = r##"      security:
        - oauth2-application: []
          Wawi: []
"##;

fn paths(doc: &mut String, name: &str) {
    let path = kebab(name);
    let _ = write!(
        doc,
        r##"  /v1/{path}:
    get:
      tags: [{name}]
      operationId: {name}Header_Query{name}sAsync
      summary: Query {name} records
      parameters:
{HEADERS}        - name: state
          in: query
          schema: {{type: integer, format: int32, enum: [0, 1, 2]}}
          x-enumNames: [Active, Inactive, Archived]
        - name: sortBy
          in: query
          schema:
            oneOf:
              - {{type: string, enum: [name, number]}}
              - {{type: string, enum: [created]}}
        - {{name: pageNumber, in: query, schema: {{type: integer, format: int32}}}}
        - {{name: pageSize, in: query, schema: {{type: integer, format: int32}}}}
        - {{name: searchKeyWord, in: query, schema: {{type: string}}}}
        - {{name: changedSince, in: query, schema: {{type: string, format: date-time}}}}
        - {{name: ids, in: query, schema: {{type: array, items: {{type: integer, format: int64}}}}}}
      responses:
        "200":
          description: A page of {name} records
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{name}List"}}
{ERRORS}{SECURITY}    post:
      tags: [{name}]
      operationId: {name}_Create
      parameters:
{HEADERS}      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: "#/components/schemas/Create{name}"}}
      responses:
        "201":
          description: Created
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{name}"}}
{ERRORS}{SECURITY}  /v1/{path}/{{id}}/items:
    post:
      tags: [{name}]
      operationId: {name}_AddItemsAsync
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: integer, format: int64}}}}
{HEADERS}      requestBody:
        required: true
        content:
          application/json:
            schema: {{type: array, items: {{type: integer, format: int32}}}}
      responses:
        "204":
          description: Added
{ERRORS}{SECURITY}  /v1/{path}/{{id}}:
    parameters:
      - {{name: id, in: path, required: true, schema: {{type: integer, format: int64}}}}
    get:
      tags: [{name}]
      operationId: {name}_Get
      parameters:
{HEADERS}      responses:
        "200":
          description: One {name}
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{name}"}}
{ERRORS}{SECURITY}    patch:
      tags: [{name}]
      operationId: {name}_Update
      parameters:
{HEADERS}      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: "#/components/schemas/Update{name}"}}
      responses:
        "200":
          description: Updated
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/{name}"}}
{ERRORS}{SECURITY}"##
    );
}

const COMPONENTS_HEAD: &str = r##"components:
  securitySchemes:
    Wawi: {type: apiKey, in: header, name: x-api-key}
    oauth2-application:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://auth.jtl-cloud.com/oauth2/token", scopes: {}}
  schemas:
    ErrorResponse:
      type: object
      properties:
        ErrorCode: {type: string}
        ErrorMessage: {type: string}
        ValidationErrors:
          type: object
          additionalProperties: {type: string}
    State:
      type: integer
      format: int32
      enum: [0, 1, 2]
      x-enumNames: [Active, Inactive, Archived]
      example: "Active"
    Address:
      type: object
      required: [City]
      properties:
        Street: {type: string}
        City: {type: string}
    UpdateAddress:
      type: object
      properties:
        Street: {type: string}
        City: {type: string}
        Country: {type: string, nullable: true}
"##;

fn schemas(doc: &mut String, name: &str) {
    let fields = r##"        Name: {type: string, example: "A name"}
        Number: {type: string}
        Description: {type: string, nullable: true}
        State: {$ref: "#/components/schemas/State"}
        Weight: {type: number, format: double}
        Tags: {type: array, items: {type: string}, example: ""}
        ValidFrom: {type: string, format: date-time}
"##;
    let _ = write!(
        doc,
        r##"    {name}:
      type: object
      required: [Id, Name]
      properties:
        Id: {{type: integer, format: int64}}
{fields}        Created: {{type: string, format: date-time}}
    Create{name}:
      type: object
      required: [Name]
      properties:
{fields}        Addresses: {{$ref: "#/components/schemas/{name}Addresses"}}
    Update{name}:
      type: object
      properties:
{fields}        Addresses: {{$ref: "#/components/schemas/Update{name}Addresses"}}
    {name}Addresses:
      type: object
      properties:
        Items: {{type: array, items: {{$ref: "#/components/schemas/Address"}}}}
    Update{name}Addresses:
      type: object
      properties:
        Items: {{type: array, items: {{$ref: "#/components/schemas/UpdateAddress"}}}}
    {name}List:
      type: object
      properties:
        TotalItems: {{type: integer, format: int32}}
        PageNumber: {{type: integer, format: int32}}
        Items:
          type: array
          items: {{$ref: "#/components/schemas/{name}"}}
"##
    );
}

fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_31_document_says_nullable_and_examples_the_31_way_only() {
        let v30 = super::synthetic_document(2);
        let v31 = super::synthetic_document_31(2);
        assert!(v30.contains("nullable: true") && v30.contains("example: "));
        assert!(v31.starts_with("openapi: 3.1.0\n"));
        assert!(
            !v31.contains("nullable") && !v31.contains("example: "),
            "{v31}"
        );
        assert_eq!(
            v31.matches("[string, \"null\"]").count(),
            v30.matches("nullable: true").count()
        );
        assert_eq!(
            v31.matches("examples: [").count(),
            v30.matches("example: ").count()
        );
    }
}
