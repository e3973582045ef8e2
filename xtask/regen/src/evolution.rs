//! Vendor releases of `spec/`, made up: the additive changes OpenAPI diff tools call
//! non-breaking for clients, and two breaking ones. One definition for the suite's downstream
//! test (`tests/generator/evolution.rs`) and `cargo xtask semver-check`, which regenerate a copy
//! of `spec/` changed this way next to `generated/` and judge the two crates.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// One replacement in one document of `spec/`: `from` must occur there.
#[derive(Debug, Clone, Copy)]
pub struct Edit {
    /// The document, relative to `spec/`.
    pub file: &'static str,
    /// The text replaced (its first occurrence).
    pub from: &'static str,
    /// What replaces it.
    pub to: &'static str,
}

/// A change a vendor release makes, and the line `regen` must report for it.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    /// What the change is, for messages.
    pub name: &'static str,
    /// The edits that make it.
    pub edits: &'static [Edit],
    /// The lines of `regen`'s summary and changelog for it (one, or more where it takes more
    /// with it: an operation a hand-written module calls takes the module).
    pub lines: &'static [&'static str],
}

const V2: &str = "erp-2.0.yaml";

/// A release that only adds: each kind of the issue once. Code written against `generated/`
/// compiles unchanged against it, and cargo-semver-checks finds nothing breaking.
pub const ADDITIVE: &[Change] = &[
    Change {
        name: "an optional query parameter on an operation that had none",
        edits: &[Edit {
            file: V2,
            from: "      operationId: GetFeatures\n      summary: List the feature sets\n      description: The feature sets the server offers, each with its release state and API version.\n      parameters:\n",
            to: "      operationId: GetFeatures\n      summary: List the feature sets\n      description: The feature sets the server offers, each with its release state and API version.\n      parameters:\n        - {name: release, in: query, description: Only feature sets in this release state, schema: {type: string}}\n",
        }],
        lines: &["`erp_v2::get_features`: optional parameter `release: String` added"],
    },
    Change {
        name: "an optional parameter next to optional ones",
        edits: &[Edit {
            file: V2,
            from: "          description: How many documents a page holds at most\n          schema:\n            type: integer\n            format: int32\n        - $ref: \"#/components/parameters/AppId\"\n",
            to: "          description: How many documents a page holds at most\n          schema:\n            type: integer\n            format: int32\n        - {name: sortBy, in: query, description: The property to sort by, schema: {type: string}}\n        - $ref: \"#/components/parameters/AppId\"\n",
        }],
        lines: &["`erp_v2::query_accounting_data`: optional parameter `sort_by: String` added"],
    },
    Change {
        name: "an optional property on a request model",
        edits: &[Edit {
            file: V2,
            from: "          description: The user's password; never printed by the client\n          x-jtl-secret: true\n",
            to: "          description: The user's password; never printed by the client\n          x-jtl-secret: true\n        Language:\n          type: string\n          description: The language of the session's messages\n",
        }],
        lines: &["model `CreateLogin`: optional property `language: String` added"],
    },
    Change {
        name: "an optional property on a response model",
        edits: &[Edit {
            file: V2,
            from: "        IsUsable:\n          type: boolean\n          description: Whether this server offers the feature set to the caller\n",
            to: "        IsUsable:\n          type: boolean\n          description: Whether this server offers the feature set to the caller\n        Documentation:\n          type: string\n          description: Where the feature set is documented\n",
        }],
        lines: &["model `FeatureInfo`: optional property `documentation: String` added"],
    },
    Change {
        name: "an enum value",
        edits: &[Edit {
            file: V2,
            from: "          enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]\n          x-enumNames: [CustomLineItem, Item, ShippingItem, Coupon, Voucher, PaymentMethod, ShippingSurcharge, NewCustomerCoupon, CashOnDeliveryFee, ItemShippingSurcharge, GiftWrapping, FreeGift, TrustedShopsFee, InterestSurcharge, HandlingFee, CardboardBoxes, Return, MultiPurposeVoucher, MultiPurposeDigitalVoucher, SinglePurposeVoucher, SinglePurposeDigitalVoucher, SinglePurposeVoucherRedemption]\n",
            to: "          enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]\n          x-enumNames: [CustomLineItem, Item, ShippingItem, Coupon, Voucher, PaymentMethod, ShippingSurcharge, NewCustomerCoupon, CashOnDeliveryFee, ItemShippingSurcharge, GiftWrapping, FreeGift, TrustedShopsFee, InterestSurcharge, HandlingFee, CardboardBoxes, Return, MultiPurposeVoucher, MultiPurposeDigitalVoucher, SinglePurposeVoucher, SinglePurposeDigitalVoucher, SinglePurposeVoucherRedemption, Deposit]\n",
        }],
        lines: &["enum `LineItemType`: value `22` added (variant `Deposit`)"],
    },
    Change {
        name: "an operation",
        edits: &[Edit {
            file: V2,
            from: "  /v2/accountingData:\n",
            to: "  /v2/ping:\n    get:\n      tags: [info]\n      operationId: Ping\n      summary: Check that the API answers\n      responses:\n        \"204\":\n          description: The API is up\n      security:\n        - {}\n        - oauth2-cloud-id-accessCode: []\n        - oauth2-application: []\n  /v2/accountingData:\n",
        }],
        lines: &["operation `erp_v2::ping` (`Ping`, `GET /v2/ping`) added"],
    },
    Change {
        name: "a newly documented error status",
        edits: &[Edit {
            file: V2,
            from: "        \"404\":\n          description: The server found nothing to report\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/ErrorResponse\"\n",
            to: "        \"404\":\n          description: The server found nothing to report\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/ErrorResponse\"\n        \"429\":\n          description: Too many requests\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/ErrorResponse\"\n",
        }],
        lines: &["`erp_v2::get_status`: error status 429 documented"],
    },
];

/// A release that breaks code written against `generated/`: a property made required (its
/// field loses `Option`) and an operation removed.
pub const BREAKING: &[Change] = &[
    Change {
        name: "a property made required",
        edits: &[Edit {
            file: V2,
            from: "      description: One page of accounting documents and where it lies in the whole list\n      required: [TotalItems, PageNumber, PageSize, Items]\n",
            to: "      description: One page of accounting documents and where it lies in the whole list\n      required: [TotalItems, PageNumber, PageSize, Items, TotalPages]\n",
        }],
        lines: &["model `PagedListOfAccountingData`: property `total_pages` made required"],
    },
    Change {
        name: "an operation removed",
        edits: &[Edit {
            file: V2,
            from: "    head:\n      tags: [info]\n      operationId: HeadStatus\n      summary: Check that the API answers\n      description: The status of the API without a body; a success means the server is up.\n      parameters:\n        - $ref: \"#/components/parameters/TenantId\"\n      responses:\n        \"200\":\n          # The vendor writes `application/json: {}`; an answer to HEAD has no body, so we\n          # declare none (a validating mock otherwise faults the empty media type).\n          description: The API is up\n      security:\n        - {}\n        - oauth2-cloud-id-accessCode: []\n        - oauth2-application: []\n",
            to: "",
        }],
        lines: &[
            "operation `erp_v2::head_status` (`HeadStatus`, `HEAD /v2/info`) removed",
            // The fake serves HeadStatus (its `// needs:` line names it).
            "hand-written module `fake` left out: the documents lack an operation it calls (the warning `inlineable-left-out` names it)",
        ],
    },
];

/// Copies the documents of `root/spec` into `dir` (emptied first) with the edits of `changes`
/// applied; the copies' paths, sorted. An edit whose text is not there is an error naming it.
pub fn evolve(root: &Path, changes: &[Change], dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut specs = Vec::new();
    for spec in crate::default_specs(root)? {
        let name = spec.file_name().context("a document has a file name")?;
        let mut text =
            fs::read_to_string(&spec).with_context(|| format!("cannot read {}", spec.display()))?;
        for change in changes {
            for edit in change.edits.iter().filter(|e| name == e.file) {
                if !text.contains(edit.from) {
                    bail!(
                        "spec/{}: the text that {} replaces is not there any more: {:?}",
                        edit.file,
                        change.name,
                        edit.from
                    );
                }
                text = text.replacen(edit.from, edit.to, 1);
            }
        }
        let copy = dir.join(name);
        fs::write(&copy, text).with_context(|| format!("cannot write {}", copy.display()))?;
        specs.push(copy);
    }
    Ok(specs)
}

/// The release of `generated/` with `changes`, regenerated into `dir/client` as the crate
/// `jtl-erp-client` (its documents under `dir/spec`). The previous release is `generated/`'s
/// (its manifest, surface and changelog are copied there first), so that `regen` reports the
/// changes as it would to a maintainer regenerating `generated/`.
pub fn regenerate(
    root: &Path,
    changes: &[Change],
    dir: &Path,
) -> anyhow::Result<crate::Regenerated> {
    let specs = evolve(root, changes, &dir.join("spec"))?;
    let client = dir.join("client");
    let _ = fs::remove_dir_all(&client);
    fs::create_dir_all(&client).with_context(|| format!("cannot create {}", client.display()))?;
    for file in ["Cargo.toml", "api.json", "CHANGELOG.md"] {
        fs::copy(root.join("generated").join(file), client.join(file))
            .with_context(|| format!("cannot copy generated/{file}"))?;
    }
    let options = crate::RegenOptions {
        crate_name: Some("jtl-erp-client".to_owned()),
        description: Some(jtl_erp_generator::Settings::default().description),
        ..crate::RegenOptions::default()
    };
    crate::regenerate(root, &specs, &client, &options)
}

/// The lints of cargo-semver-checks' report that failed (`--- failure LINT: …` headings), in
/// its order.
pub fn semver_lints(report: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|line| line.strip_prefix("--- failure "))
        .filter_map(|rest| rest.split_once(':').map(|(lint, _)| lint.trim().to_owned()))
        .collect()
}

/// The items of cargo-semver-checks' findings (the lines under `Failed in:`) that no breaking
/// line of `regen`'s summary names: a finding is named when a segment of its item's path
/// (`erp_v2::HeadStatus`, `Client::head_status`, `PagedListOfAccountingData::new`), other than
/// the crate, `Client` and `new`, is in a line's code spans. A finding without a path (a
/// feature, a constant: `feature fake in the package's Cargo.toml`, `PAGE_SIZE in file
/// …/fake/erp.rs:38`) is named when one of its words or the folders of its file are (`fake`).
/// Empty: `regen` reported every one.
pub fn unreported(report: &str, breaking_lines: &[&str]) -> Vec<String> {
    let mut unreported = Vec::new();
    let mut in_failures = false;
    for line in report.lines() {
        if line.starts_with("Failed in:") {
            in_failures = true;
            continue;
        }
        if !line.starts_with("  ") || line.trim().is_empty() {
            in_failures = false;
            continue;
        }
        if !in_failures {
            continue;
        }
        let words: Vec<&str> = line
            .split_whitespace()
            .map(|word| word.trim_end_matches(','))
            .collect();
        let segments: Vec<&str> = match words.iter().find(|word| word.contains("::")) {
            Some(item) => item.split("::").collect(),
            None => words.iter().flat_map(|word| word.split('/')).collect(),
        };
        let named = segments
            .iter()
            .filter(|segment| !matches!(**segment, "jtl_erp_client" | "Client" | "new"))
            .any(|segment| {
                breaking_lines.iter().any(|l| {
                    l.contains(&format!("`{segment}`")) || l.contains(&format!("::{segment}`"))
                })
            });
        if !named {
            unreported.push(line.trim().to_owned());
        }
    }
    unreported
}
