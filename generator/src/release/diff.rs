//! What a regeneration changes: two API surfaces compared, each change classified as additive
//! (code written against the old crate still compiles and means the same) or breaking (it may
//! not), with one readable line. The rules are the table in generator/README.md ("What a
//! regeneration changes"); they assume the generated API evolves as the AWS SDK's does:
//! optional inputs are setters of a request builder, models are `#[non_exhaustive]` with
//! `new(required…)` and setters, enums are `#[non_exhaustive]` with an unknown variant.

use std::collections::HashMap;
use std::fmt;

use super::surface::{
    EnumSurface, Input, ModelSurface, ModuleSurface, OperationSurface, Surface, UnionSurface,
};

/// Whether a change can break code written against the previous crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiled still compiles and means the same: a patch release in 0.x, a minor
    /// one from 1.0.
    Additive,
    /// Code may need changes: a minor release in 0.x, a major one from 1.0.
    Breaking,
}

impl Class {
    /// `additive` or `breaking`.
    pub const fn name(self) -> &'static str {
        match self {
            Class::Additive => "additive",
            Class::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of item a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectKind {
    /// A module: one API with its `Client`.
    Module,
    /// An operation: a method of a module's `Client`.
    Operation,
    /// A struct of `models`.
    Model,
    /// An enum of `models`.
    Enum,
    /// A `oneOf`/`anyOf` union of `models`.
    Union,
    /// A hand-written module (`registration`, `wawi_session`, `fake`).
    Handwritten,
}

/// The item a change is about, and the member of it, if the change is about one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject {
    /// Module, operation, model, enum, union or hand-written module.
    pub kind: SubjectKind,
    /// The module of an operation (and of a module, its own name).
    pub module: Option<String>,
    /// The item's Rust name: the module, the method, the model, enum or union.
    pub name: String,
    /// What of it changed, when not the item as a whole: `parameter page_size`, `property
    /// name`, `value Archived`, `error 404`, `scope items.read`, `body`, `returns`, `auth`, ….
    pub member: Option<String>,
}

/// What happened to the subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum What {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is there in both, different.
    Changed {
        /// Before, in the surface's notation.
        from: String,
        /// After.
        to: String,
    },
}

/// One change between two releases of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// What it is about.
    pub subject: Subject,
    /// Added, removed or changed.
    pub what: What,
    /// Additive or breaking.
    pub class: Class,
    /// One line for the summary and the changelog (Markdown: names in code spans).
    pub line: String,
}

/// Every change from `old` to `new`: breaking ones first, then additive ones, each group in
/// the order of the surface (modules and their operations, models, enums, unions).
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Changes::default();
    modules(&mut changes, &old.modules, &new.modules);
    models(&mut changes, &old.models, &new.models);
    enums(&mut changes, &old.enums, &new.enums);
    unions(&mut changes, &old.unions, &new.unions);
    handwritten(&mut changes, &old.handwritten, &new.handwritten);
    let mut changes = changes.0;
    // Stable: the surface's order within each class.
    changes.sort_by_key(|c| std::cmp::Reverse(c.class));
    changes
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, class: Class, subject: Subject, what: What, line: String) {
        self.0.push(Change {
            subject,
            what,
            class,
            line,
        });
    }
}

/// `text` as a Markdown code span, whatever backticks it holds; unlike the generated docs'
/// spans, blank text is not padded, as change lines have always been written.
fn code(text: &str) -> String {
    crate::emit::doc::fenced(text, false)
}

/// The items of `old` and `new` with the same key, those only in `old`, those only in `new`,
/// each in its list's order.
fn pair<'a, T>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> &str,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    // Indexed: a large document (nexus) has thousands of models.
    let index = |list: &'a [T]| -> HashMap<&'a str, &'a T> {
        list.iter().map(|item| (key(item), item)).collect()
    };
    let (old_index, new_index) = (index(old), index(new));
    let mut both = Vec::new();
    let mut removed = Vec::new();
    for o in old {
        match new_index.get(key(o)) {
            Some(n) => both.push((o, *n)),
            None => removed.push(o),
        }
    }
    let added = new
        .iter()
        .filter(|n| !old_index.contains_key(key(n)))
        .collect();
    (both, removed, added)
}

fn modules(changes: &mut Changes, old: &[ModuleSurface], new: &[ModuleSurface]) {
    let (both, removed, added) = pair(old, new, |m| &m.name);
    let subject = |m: &ModuleSurface| Subject {
        kind: SubjectKind::Module,
        module: Some(m.name.clone()),
        name: m.name.clone(),
        member: None,
    };
    for m in removed {
        changes.push(
            Class::Breaking,
            subject(m),
            What::Removed,
            format!(
                "module {} removed ({} operations)",
                code(&m.name),
                m.operations.len()
            ),
        );
    }
    for m in added {
        changes.push(
            Class::Additive,
            subject(m),
            What::Added,
            format!(
                "module {} added ({} operations)",
                code(&m.name),
                m.operations.len()
            ),
        );
    }
    for (o, n) in both {
        operations(changes, &n.name, &o.operations, &n.operations);
    }
}

/// A hand-written module left out (its operations are gone from the documents) takes its
/// types, functions and feature with it; one that comes back is additive.
fn handwritten(changes: &mut Changes, old: &[String], new: &[String]) {
    let subject = |name: &String| Subject {
        kind: SubjectKind::Handwritten,
        module: Some(name.clone()),
        name: name.clone(),
        member: None,
    };
    let (_, removed, added) = pair(old, new, String::as_str);
    for name in removed {
        changes.push(
            Class::Breaking,
            subject(name),
            What::Removed,
            format!(
                "hand-written module {} left out: the documents lack an operation it calls (the warning `inlineable-left-out` names it)",
                code(name)
            ),
        );
    }
    for name in added {
        changes.push(
            Class::Additive,
            subject(name),
            What::Added,
            format!("hand-written module {} added", code(name)),
        );
    }
}

fn operations(
    changes: &mut Changes,
    module: &str,
    old: &[OperationSurface],
    new: &[OperationSurface],
) {
    let (mut both, removed, added) = pair(old, new, |op| &op.id);
    // An operation whose id changed but whose method did not is the same method.
    let (removed, added) = {
        let mut added = added;
        let mut kept = Vec::new();
        for o in removed {
            match added.iter().position(|n| n.method == o.method) {
                Some(i) => both.push((o, added.remove(i))),
                None => kept.push(o),
            }
        }
        (kept, added)
    };
    let subject = |op: &OperationSurface, member: Option<String>| Subject {
        kind: SubjectKind::Operation,
        module: Some(module.to_owned()),
        name: op.method.clone(),
        member,
    };
    let path = |op: &OperationSurface| code(&format!("{module}::{}", op.method));
    for o in removed {
        changes.push(
            Class::Breaking,
            subject(o, None),
            What::Removed,
            format!(
                "operation {} ({}, {}) removed",
                path(o),
                code(&o.id),
                code(&o.http)
            ),
        );
    }
    for n in added {
        changes.push(
            Class::Additive,
            subject(n, None),
            What::Added,
            format!(
                "operation {} ({}, {}) added",
                path(n),
                code(&n.id),
                code(&n.http)
            ),
        );
    }
    for (o, n) in both {
        let mut change = |class: Class, member: &str, what: What, text: String| {
            changes.push(
                class,
                subject(n, Some(member.to_owned())),
                what,
                format!("{}: {text}", path(n)),
            );
        };
        let changed = |from: &str, to: &str| What::Changed {
            from: from.to_owned(),
            to: to.to_owned(),
        };
        if o.method != n.method {
            change(
                Class::Breaking,
                "method",
                changed(&o.method, &n.method),
                format!("method renamed from {}", code(&o.method)),
            );
        }
        if o.builder != n.builder && o.method == n.method {
            change(
                Class::Breaking,
                "builder",
                changed(&o.builder, &n.builder),
                format!("request builder renamed from {}", code(&o.builder)),
            );
        }
        if o.id != n.id {
            change(
                Class::Additive,
                "id",
                changed(&o.id, &n.id),
                format!(
                    "operation id {} is now {} (the method stays)",
                    code(&o.id),
                    code(&n.id)
                ),
            );
        }
        if o.http != n.http {
            change(
                Class::Additive,
                "http",
                changed(&o.http, &n.http),
                format!(
                    "sent as {} instead of {} (the client follows; code does not change)",
                    code(&n.http),
                    code(&o.http)
                ),
            );
        }
        inputs(&mut change, o, n);
        body(&mut change, o, n);
        if o.returns != n.returns {
            change(
                Class::Breaking,
                "returns",
                changed(&o.returns, &n.returns),
                format!(
                    "returns {} instead of {}",
                    code(&n.returns),
                    code(&o.returns)
                ),
            );
        }
        for status in n.errors.iter().filter(|s| !o.errors.contains(s)) {
            change(
                Class::Additive,
                &format!("error {status}"),
                What::Added,
                format!("error status {status} documented"),
            );
        }
        for status in o.errors.iter().filter(|s| !n.errors.contains(s)) {
            change(
                Class::Breaking,
                &format!("error {status}"),
                What::Removed,
                format!("error status {status} no longer documented"),
            );
        }
        if o.error_body != n.error_body {
            change(
                Class::Breaking,
                "error body",
                changed(&o.error_body, &n.error_body),
                format!(
                    "error body {} instead of {}",
                    code(&n.error_body),
                    code(&o.error_body)
                ),
            );
        }
        if o.auth != n.auth {
            let class = if n.auth == "required" {
                Class::Breaking
            } else {
                Class::Additive
            };
            change(
                class,
                "auth",
                changed(&o.auth, &n.auth),
                format!("credentials {} (were {})", auth(&n.auth), auth(&o.auth)),
            );
        }
        for scope in n.scopes.iter().filter(|s| !o.scopes.contains(s)) {
            change(
                Class::Breaking,
                &format!("scope {scope}"),
                What::Added,
                format!(
                    "needs scope {} (a token without it is refused)",
                    code(scope)
                ),
            );
        }
        for scope in o.scopes.iter().filter(|s| !n.scopes.contains(s)) {
            change(
                Class::Additive,
                &format!("scope {scope}"),
                What::Removed,
                format!("no longer needs scope {}", code(scope)),
            );
        }
        context(&mut change, o, n);
        match (&o.paging, &n.paging) {
            (None, Some(p)) => change(
                Class::Additive,
                "paging",
                What::Added,
                format!(
                    "pages and items as streams: {} and {} added",
                    code(&p.pages),
                    code(&p.stream)
                ),
            ),
            (Some(p), None) => change(
                Class::Breaking,
                "paging",
                What::Removed,
                format!(
                    "no longer paged: {} and {} removed",
                    code(&p.pages),
                    code(&p.stream)
                ),
            ),
            (Some(p), Some(q)) if p != q => {
                let show = |p: &super::surface::PagingSurface| {
                    format!("{}/{} of {}", p.pages, p.stream, p.item)
                };
                change(
                    Class::Breaking,
                    "paging",
                    changed(&show(p), &show(q)),
                    format!("paging is now {} (was {})", code(&show(q)), code(&show(p))),
                );
            }
            _ => {}
        }
        if o.deprecated != n.deprecated {
            let (text, what) = if n.deprecated {
                ("deprecated", What::Added)
            } else {
                ("no longer deprecated", What::Removed)
            };
            change(Class::Additive, "deprecated", what, text.to_owned());
        }
    }
}

fn auth(need: &str) -> &str {
    match need {
        "required" => "required",
        "optional" => "optional",
        _ => "not sent",
    }
}

type ChangeFn<'a> = dyn FnMut(Class, &str, What, String) + 'a;

fn input_text(input: &Input) -> String {
    code(&format!("{}: {}", input.name, input.ty))
}

/// Path, query and header parameters.
fn inputs(change: &mut ChangeFn<'_>, o: &OperationSurface, n: &OperationSurface) {
    let find = |list: &'_ [Input], name: &str| -> Option<Input> {
        list.iter().find(|i| i.name == name).cloned()
    };
    let member = |name: &str| format!("parameter {name}");
    // A required parameter is positional: another name at the same place, of the same type,
    // changes no call (a path template's `{id}` becoming `{itemId}`).
    let known = |s: &OperationSurface, name: &str| {
        find(&s.required, name).is_some() || find(&s.optional, name).is_some()
    };
    let renamed: Vec<(&Input, &Input)> = o
        .required
        .iter()
        .zip(&n.required)
        .filter(|(a, b)| {
            a.name != b.name && a.ty == b.ty && !known(n, &a.name) && !known(o, &b.name)
        })
        .collect();
    for (before, after) in &renamed {
        change(
            Class::Additive,
            &member(&after.name),
            What::Changed {
                from: before.name.clone(),
                to: after.name.clone(),
            },
            format!(
                "required parameter {} is now {} (positional: calls do not change)",
                code(&before.name),
                code(&after.name)
            ),
        );
    }
    // The required parameters, then the optional ones: each new, moved from the other list
    // (made required or optional) or kept in its own.
    for now_required in [true, false] {
        let (list, own, other) = if now_required {
            (&n.required[..], &o.required[..], &o.optional[..])
        } else {
            (&n.optional[..], &o.optional[..], &o.required[..])
        };
        for input in list {
            if now_required && renamed.iter().any(|(_, after)| after.name == input.name) {
                continue;
            }
            match (find(own, &input.name), find(other, &input.name)) {
                (None, None) => change(
                    if now_required {
                        Class::Breaking
                    } else {
                        Class::Additive
                    },
                    &member(&input.name),
                    What::Added,
                    format!(
                        "{} parameter {} added",
                        required(now_required),
                        input_text(input)
                    ),
                ),
                (None, Some(before)) => change(
                    Class::Breaking,
                    &member(&input.name),
                    What::Changed {
                        from: format!("{} {}", required(!now_required), before.ty),
                        to: format!("{} {}", required(now_required), input.ty),
                    },
                    format!(
                        "parameter {} made {}",
                        code(&input.name),
                        made(now_required)
                    ),
                ),
                (Some(before), _) => {
                    if before.ty != input.ty {
                        change(
                            Class::Breaking,
                            &member(&input.name),
                            What::Changed {
                                from: before.ty.clone(),
                                to: input.ty.clone(),
                            },
                            format!(
                                "parameter {} is {} instead of {}",
                                code(&input.name),
                                code(&input.ty),
                                code(&before.ty)
                            ),
                        );
                    }
                    moved(change, &before, input);
                }
            }
        }
    }
    for input in o.required.iter().chain(&o.optional) {
        if !known(n, &input.name) && !renamed.iter().any(|(before, _)| before.name == input.name) {
            change(
                Class::Breaking,
                &member(&input.name),
                What::Removed,
                format!("parameter {} removed", code(&input.name)),
            );
        }
    }
    // Required parameters are positional: the same ones in another order break every call.
    let names = |list: &[Input]| list.iter().map(|i| i.name.clone()).collect::<Vec<_>>();
    let (before, after) = (names(&o.required), names(&n.required));
    let common = |list: &[String], other: &[String]| -> Vec<String> {
        list.iter().filter(|x| other.contains(x)).cloned().collect()
    };
    reordered(
        change,
        "required parameters",
        common(&before, &after),
        common(&after, &before),
    );
}

/// A parameter that keeps its Rust name and type but travels elsewhere (another place or
/// wire name): the client follows, code does not change.
fn moved(change: &mut ChangeFn<'_>, before: &Input, after: &Input) {
    if before.place != after.place || before.wire != after.wire {
        change(
            Class::Additive,
            &format!("parameter {}", after.name),
            What::Changed {
                from: format!("{} {}", before.place, before.wire),
                to: format!("{} {}", after.place, after.wire),
            },
            format!(
                "parameter {} sent as {} {} (was {} {})",
                code(&after.name),
                after.place,
                code(&after.wire),
                before.place,
                code(&before.wire)
            ),
        );
    }
}

fn body(change: &mut ChangeFn<'_>, o: &OperationSurface, n: &OperationSurface) {
    match (&o.body, &n.body) {
        (None, Some(b)) => change(
            if b.required {
                Class::Breaking
            } else {
                Class::Additive
            },
            "body",
            What::Added,
            format!("{} body {} added", required(b.required), code(&b.ty)),
        ),
        (Some(b), None) => change(
            Class::Breaking,
            "body",
            What::Removed,
            format!("body {} removed", code(&b.ty)),
        ),
        (Some(before), Some(after)) => {
            if before.ty != after.ty {
                change(
                    Class::Breaking,
                    "body",
                    What::Changed {
                        from: before.ty.clone(),
                        to: after.ty.clone(),
                    },
                    format!(
                        "body is {} instead of {}",
                        code(&after.ty),
                        code(&before.ty)
                    ),
                );
            }
            if before.required != after.required {
                change(
                    Class::Breaking,
                    "body",
                    What::Changed {
                        from: required(before.required).to_owned(),
                        to: required(after.required).to_owned(),
                    },
                    format!("body made {}", required(after.required)),
                );
            }
        }
        (None, None) => {}
    }
}

/// Request-context headers: a required one the client's `Context` must now hold breaks calls
/// that do not set it; the others change nothing a caller wrote.
fn context(change: &mut ChangeFn<'_>, o: &OperationSurface, n: &OperationSurface) {
    let class = |required: bool| {
        if required {
            Class::Breaking
        } else {
            Class::Additive
        }
    };
    members(
        change,
        &o.context,
        &n.context,
        |c| format!("context {}", c.header),
        |header| {
            let note = if header.required {
                " (required: set it on the client's `Context`)"
            } else {
                " when the `Context` has it"
            };
            (
                class(header.required),
                format!("sends the context header {}{note}", code(&header.header)),
            )
        },
        |change, member, before, header| {
            if before.required != header.required {
                change(
                    class(header.required),
                    member,
                    What::Changed {
                        from: required(before.required).to_owned(),
                        to: required(header.required).to_owned(),
                    },
                    format!(
                        "context header {} made {}",
                        code(&header.header),
                        required(header.required)
                    ),
                );
            }
        },
        |header| {
            (
                Class::Additive,
                format!(
                    "no longer sends the context header {}",
                    code(&header.header)
                ),
            )
        },
    );
}

/// `required` or `optional`.
fn required(yes: bool) -> &'static str {
    if yes { "required" } else { "optional" }
}

/// What a parameter or property was made: `required`, or `optional` with what that does to
/// its type.
fn made(required: bool) -> &'static str {
    if required {
        "required"
    } else {
        "optional (its type becomes an `Option`)"
    }
}

/// Required parameters and properties are positional: the same ones (`before`, `after`) in
/// another order break every call of the method or `new`.
fn reordered(change: &mut ChangeFn<'_>, member: &str, before: Vec<String>, after: Vec<String>) {
    if before != after {
        let (before, after) = (before.join(", "), after.join(", "));
        change(
            Class::Breaking,
            member,
            What::Changed {
                from: before.clone(),
                to: after.clone(),
            },
            format!(
                "{member} reordered: {} instead of {}",
                code(&after),
                code(&before)
            ),
        );
    }
}

/// The members of an item (a model's properties, an enum's values, …), matched by their
/// `member` name (`value x`): `added` gives the class and line of one only in `new`, `kept`
/// compares one in both (before, after), `removed` gives the class and line of one only in
/// `old`. In `new`'s order, then the removed ones in `old`'s.
fn members<T>(
    change: &mut ChangeFn<'_>,
    old: &[T],
    new: &[T],
    member: impl Fn(&T) -> String,
    added: impl Fn(&T) -> (Class, String),
    mut kept: impl FnMut(&mut ChangeFn<'_>, &str, &T, &T),
    removed: impl Fn(&T) -> (Class, String),
) {
    let old_members: Vec<String> = old.iter().map(&member).collect();
    let new_members: Vec<String> = new.iter().map(&member).collect();
    for (after, name) in new.iter().zip(&new_members) {
        match old_members.iter().position(|m| m == name) {
            None => {
                let (class, line) = added(after);
                change(class, name, What::Added, line);
            }
            Some(i) => kept(change, name, &old[i], after),
        }
    }
    for (before, name) in old.iter().zip(&old_members) {
        if !new_members.contains(name) {
            let (class, line) = removed(before);
            change(class, name, What::Removed, line);
        }
    }
}

/// Items only in `old` and only in `new` with the same content (`same`) are one item renamed:
/// returned as pairs, taken out of `removed` and `added`.
fn renames<'a, T>(
    removed: &mut Vec<&'a T>,
    added: &mut Vec<&'a T>,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<(&'a T, &'a T)> {
    let mut pairs = Vec::new();
    removed.retain(|o| match added.iter().position(|n| same(o, n)) {
        Some(i) => {
            pairs.push((*o, added.remove(i)));
            false
        }
        None => true,
    });
    pairs
}

fn item_subject(kind: SubjectKind, name: &str, member: Option<String>) -> Subject {
    Subject {
        kind,
        module: None,
        name: name.to_owned(),
        member,
    }
}

/// How a line names an item of `kind`.
fn label(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Module => "module",
        SubjectKind::Operation => "operation",
        SubjectKind::Model => "model",
        SubjectKind::Enum => "enum",
        SubjectKind::Union => "union",
        SubjectKind::Handwritten => "hand-written module",
    }
}

/// Added, removed and renamed items of one kind (models, enums or unions); `compare` reports
/// the changes of one in both (before, after) as changes of its members.
fn items<T>(
    changes: &mut Changes,
    kind: SubjectKind,
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> &str,
    same: impl Fn(&T, &T) -> bool,
    mut compare: impl FnMut(&mut ChangeFn<'_>, &T, &T),
) {
    let label = label(kind);
    let (both, mut removed, mut added) = pair(old, new, &name);
    for (o, n) in renames(&mut removed, &mut added, same) {
        changes.push(
            Class::Breaking,
            item_subject(kind, name(n), None),
            What::Changed {
                from: name(o).to_owned(),
                to: name(n).to_owned(),
            },
            format!("{label} {} renamed to {}", code(name(o)), code(name(n))),
        );
    }
    for o in removed {
        changes.push(
            Class::Breaking,
            item_subject(kind, name(o), None),
            What::Removed,
            format!("{label} {} removed", code(name(o))),
        );
    }
    for n in added {
        changes.push(
            Class::Additive,
            item_subject(kind, name(n), None),
            What::Added,
            format!("{label} {} added", code(name(n))),
        );
    }
    for (o, n) in both {
        let mut change = |class: Class, member: &str, what: What, text: String| {
            changes.push(
                class,
                item_subject(kind, name(n), Some(member.to_owned())),
                what,
                format!("{label} {}: {text}", code(name(n))),
            );
        };
        compare(&mut change, o, n);
    }
}

fn models(changes: &mut Changes, old: &[ModelSurface], new: &[ModelSurface]) {
    let compare = |change: &mut ChangeFn<'_>, o: &ModelSurface, n: &ModelSurface| {
        members(
            change,
            &o.properties,
            &n.properties,
            |p| format!("property {}", p.name),
            |p| {
                let class = if p.required {
                    Class::Breaking
                } else {
                    Class::Additive
                };
                let text = format!(
                    "{} property {} added",
                    required(p.required),
                    code(&format!("{}: {}", p.name, p.ty))
                );
                (class, text)
            },
            |change, member, before, p| {
                if before.ty != p.ty {
                    change(
                        Class::Breaking,
                        member,
                        What::Changed {
                            from: before.ty.clone(),
                            to: p.ty.clone(),
                        },
                        format!(
                            "property {} is {} instead of {}",
                            code(&p.name),
                            code(&p.ty),
                            code(&before.ty)
                        ),
                    );
                }
                if before.required != p.required {
                    change(
                        Class::Breaking,
                        member,
                        What::Changed {
                            from: required(before.required).to_owned(),
                            to: required(p.required).to_owned(),
                        },
                        format!("property {} made {}", code(&p.name), made(p.required)),
                    );
                }
                if before.wire != p.wire {
                    change(
                        Class::Additive,
                        member,
                        What::Changed {
                            from: before.wire.join(", "),
                            to: p.wire.join(", "),
                        },
                        format!(
                            "property {} is spelled {} on the wire (was {}; the client follows)",
                            code(&p.name),
                            code(&p.wire.join(", ")),
                            code(&before.wire.join(", "))
                        ),
                    );
                }
            },
            |p| {
                (
                    Class::Breaking,
                    format!("property {} removed", code(&p.name)),
                )
            },
        );
        // `new(required…)` takes the required properties in order.
        let positional = |m: &ModelSurface, other: &ModelSurface| -> Vec<String> {
            m.properties
                .iter()
                .filter(|p| {
                    p.required
                        && other
                            .properties
                            .iter()
                            .any(|q| q.name == p.name && q.required)
                })
                .map(|p| p.name.clone())
                .collect()
        };
        reordered(
            change,
            "required properties",
            positional(o, n),
            positional(n, o),
        );
    };
    items(
        changes,
        SubjectKind::Model,
        old,
        new,
        |m| &m.name,
        |a, b| a.properties == b.properties,
        compare,
    );
}

fn enums(changes: &mut Changes, old: &[EnumSurface], new: &[EnumSurface]) {
    let compare = |change: &mut ChangeFn<'_>, o: &EnumSurface, n: &EnumSurface| {
        if o.kind != n.kind {
            change(
                Class::Breaking,
                "kind",
                What::Changed {
                    from: o.kind.clone(),
                    to: n.kind.clone(),
                },
                format!("{} values instead of {} values", n.kind, o.kind),
            );
            return;
        }
        members(
            change,
            &o.values,
            &n.values,
            |v| format!("value {}", v.value),
            |v| {
                let text = format!(
                    "value {} added (variant {})",
                    code(&v.value),
                    code(&v.variant)
                );
                (Class::Additive, text)
            },
            |change, member, w, v| {
                if w.variant != v.variant {
                    change(
                        Class::Breaking,
                        member,
                        What::Changed {
                            from: w.variant.clone(),
                            to: v.variant.clone(),
                        },
                        format!(
                            "variant {} renamed to {} (value {})",
                            code(&w.variant),
                            code(&v.variant),
                            code(&v.value)
                        ),
                    );
                }
            },
            |w| {
                let text = format!(
                    "value {} removed (variant {})",
                    code(&w.value),
                    code(&w.variant)
                );
                (Class::Breaking, text)
            },
        );
    };
    items(
        changes,
        SubjectKind::Enum,
        old,
        new,
        |e| &e.name,
        |a, b| a.kind == b.kind && a.values == b.values,
        compare,
    );
}

fn unions(changes: &mut Changes, old: &[UnionSurface], new: &[UnionSurface]) {
    let compare = |change: &mut ChangeFn<'_>, o: &UnionSurface, n: &UnionSurface| {
        let nullable = |yes: bool| if yes { "nullable" } else { "not nullable" };
        if o.nullable != n.nullable {
            change(
                Class::Breaking,
                "nullable",
                What::Changed {
                    from: nullable(o.nullable).to_owned(),
                    to: nullable(n.nullable).to_owned(),
                },
                format!(
                    "made {} (where it is used, its type changes)",
                    nullable(n.nullable)
                ),
            );
        }
        members(
            change,
            &o.variants,
            &n.variants,
            |v| format!("variant {}", v.name),
            |v| {
                let text = format!("variant {} added", code(&format!("{}({})", v.name, v.ty)));
                (Class::Additive, text)
            },
            |change, member, w, v| {
                if w.ty != v.ty {
                    change(
                        Class::Breaking,
                        member,
                        What::Changed {
                            from: w.ty.clone(),
                            to: v.ty.clone(),
                        },
                        format!(
                            "variant {} holds {} instead of {}",
                            code(&v.name),
                            code(&v.ty),
                            code(&w.ty)
                        ),
                    );
                }
            },
            |w| {
                (
                    Class::Breaking,
                    format!("variant {} removed", code(&w.name)),
                )
            },
        );
    };
    items(
        changes,
        SubjectKind::Union,
        old,
        new,
        |u| &u.name,
        |a, b| a.nullable == b.nullable && a.variants == b.variants,
        compare,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::normalize_yaml;

    /// A small API: two operations of one module over a model, an enum and a union.
    const BASE: &str = include_str!("testdata/items.yaml");

    fn surface(yaml: &str) -> Surface {
        let (api, warnings) = normalize_yaml(yaml);
        assert!(
            warnings
                .iter()
                .all(|w| w.severity == crate::Severity::Warning),
            "{warnings:?}"
        );
        Surface::of(&api, "c", "0.1.0")
    }

    /// `BASE` with each `(from, to)` replaced once (each `from` must be there).
    fn edited(edits: &[(&str, &str)]) -> String {
        let mut text = BASE.to_owned();
        for (from, to) in edits {
            assert!(text.contains(from), "{from:?} is not in the document");
            text = text.replacen(from, to, 1);
        }
        text
    }

    fn lines(changes: &[Change]) -> Vec<(Class, &str)> {
        changes.iter().map(|c| (c.class, c.line.as_str())).collect()
    }

    /// The changes from `BASE` to `BASE` edited.
    fn changes_of(edits: &[(&str, &str)]) -> Vec<Change> {
        diff(&surface(BASE), &surface(&edited(edits)))
    }

    #[track_caller]
    fn assert_changes(edits: &[(&str, &str)], expected: &[(Class, &str)]) {
        assert_eq!(lines(&changes_of(edits)), expected);
    }

    /// The changes when `edit` changes the surface of `BASE` itself (for what a small
    /// document does not easily show).
    fn changes_by(edit: impl FnOnce(&mut Surface)) -> Vec<Change> {
        let old = surface(BASE);
        let mut new = old.clone();
        edit(&mut new);
        diff(&old, &new)
    }

    fn op<'a>(surface: &'a mut Surface, id: &str) -> &'a mut OperationSurface {
        surface.modules[0]
            .operations
            .iter_mut()
            .find(|o| o.id == id)
            .expect("the operation")
    }

    use Class::{Additive, Breaking};

    #[test]
    fn the_same_document_and_a_description_changed_are_no_change() {
        assert_changes(&[], &[]);
        assert_changes(&[("Reads an item.", "Reads one item, changed.")], &[]);
    }

    #[test]
    fn an_operation_added_is_additive() {
        assert_changes(
            &[(
                "  /items:\n",
                "  /ping:\n    get:\n      operationId: Ping\n      responses: {'204': {description: up}}\n  /items:\n",
            )],
            &[(Additive, "operation `t::ping` (`Ping`, `GET /ping`) added")],
        );
    }

    #[test]
    fn an_operation_removed_is_breaking() {
        assert_changes(
            &[(
                "    post:\n      operationId: CreateItem",
                "    x-post:\n      operationId: CreateItem",
            )],
            &[(
                Breaking,
                "operation `t::create_item` (`CreateItem`, `POST /items`) removed",
            )],
        );
    }

    #[test]
    fn a_method_renamed_is_breaking() {
        let changes = changes_by(|s| op(s, "GetItem").method = "read_item".to_owned());
        assert_eq!(
            lines(&changes),
            [(Breaking, "`t::read_item`: method renamed from `get_item`")]
        );
        assert_eq!(
            changes[0].what,
            What::Changed {
                from: "get_item".to_owned(),
                to: "read_item".to_owned()
            }
        );
    }

    #[test]
    fn an_operation_id_changed_under_the_same_method_is_additive() {
        assert_changes(
            &[("operationId: GetItem", "operationId: Items_GetItem")],
            &[(
                Additive,
                "`t::get_item`: operation id `GetItem` is now `Items_GetItem` (the method stays)",
            )],
        );
    }

    #[test]
    fn another_http_method_or_path_is_additive() {
        assert_changes(
            &[("  /items/{id}:", "  /v2/items/{id}:")],
            &[(
                Additive,
                "`t::get_item`: sent as `GET /v2/items/{id}` instead of `GET /items/{id}` (the client follows; code does not change)",
            )],
        );
    }

    #[test]
    fn an_optional_parameter_added_to_an_operation_without_any_is_additive() {
        assert_changes(
            &[(
                "      operationId: CreateItem\n",
                "      operationId: CreateItem\n      parameters: [{name: dryRun, in: query, schema: {type: boolean}}]\n",
            )],
            &[(
                Additive,
                "`t::create_item`: optional parameter `dry_run: bool` added",
            )],
        );
    }

    #[test]
    fn an_optional_parameter_added_next_to_others_is_additive() {
        assert_changes(
            &[(
                "        - {name: expand, in: query, schema: {type: boolean}}\n",
                "        - {name: expand, in: query, schema: {type: boolean}}\n        - {name: locale, in: header, schema: {type: string}}\n",
            )],
            &[(
                Additive,
                "`t::get_item`: optional parameter `locale: String` added",
            )],
        );
    }

    #[test]
    fn a_required_parameter_added_is_breaking() {
        assert_changes(
            &[(
                "      operationId: CreateItem\n",
                "      operationId: CreateItem\n      parameters: [{name: store, in: query, required: true, schema: {type: string}}]\n",
            )],
            &[(
                Breaking,
                "`t::create_item`: required parameter `store: String` added",
            )],
        );
    }

    #[test]
    fn a_parameter_removed_is_breaking() {
        assert_changes(
            &[(
                "        - {name: expand, in: query, schema: {type: boolean}}\n",
                "",
            )],
            &[(Breaking, "`t::get_item`: parameter `expand` removed")],
        );
    }

    #[test]
    fn a_required_parameter_renamed_in_its_place_is_additive() {
        assert_changes(
            &[
                ("  /items/{id}:", "  /items/{itemId}:"),
                ("{name: id, in: path,", "{name: itemId, in: path,"),
            ],
            &[
                (
                    Additive,
                    "`t::get_item`: sent as `GET /items/{itemId}` instead of `GET /items/{id}` (the client follows; code does not change)",
                ),
                (
                    Additive,
                    "`t::get_item`: required parameter `id` is now `item_id` (positional: calls do not change)",
                ),
            ],
        );
    }

    #[test]
    fn a_parameter_made_required_is_breaking() {
        assert_changes(
            &[(
                "{name: expand, in: query, schema",
                "{name: expand, in: query, required: true, schema",
            )],
            &[(Breaking, "`t::get_item`: parameter `expand` made required")],
        );
    }

    #[test]
    fn a_parameter_made_optional_is_breaking() {
        let changes = changes_by(|s| {
            let get = op(s, "GetItem");
            let id = get.required.remove(0);
            get.optional.push(id);
        });
        assert_eq!(
            lines(&changes),
            [(
                Breaking,
                "`t::get_item`: parameter `id` made optional (its type becomes an `Option`)"
            )]
        );
    }

    #[test]
    fn a_parameter_type_changed_is_breaking() {
        assert_changes(
            &[(
                "{name: id, in: path, required: true, schema: {type: integer, format: int64}}",
                "{name: id, in: path, required: true, schema: {type: string}}",
            )],
            &[(
                Breaking,
                "`t::get_item`: parameter `id` is `String` instead of `i64`",
            )],
        );
    }

    #[test]
    fn required_parameters_reordered_are_breaking() {
        let mut old = surface(BASE);
        op(&mut old, "GetItem").required.push(Input {
            name: "tenant".to_owned(),
            place: "header".to_owned(),
            wire: "tenant".to_owned(),
            ty: "String".to_owned(),
        });
        let mut new = old.clone();
        op(&mut new, "GetItem").required.reverse();
        assert_eq!(
            lines(&diff(&old, &new)),
            [(
                Breaking,
                "`t::get_item`: required parameters reordered: `tenant, id` instead of `id, tenant`"
            )]
        );
    }

    #[test]
    fn a_parameter_sent_elsewhere_is_additive() {
        assert_changes(
            &[("{name: expand, in: query,", "{name: expand, in: header,")],
            &[(
                Additive,
                "`t::get_item`: parameter `expand` sent as header `expand` (was query `expand`)",
            )],
        );
    }

    #[test]
    fn an_optional_body_added_is_additive() {
        assert_changes(
            &[(
                "      security: [{oauth: [items.read]}]\n",
                "      security: [{oauth: [items.read]}]\n      requestBody: {content: {text/plain: {schema: {type: string}}}}\n",
            )],
            &[(Additive, "`t::get_item`: optional body `String` added")],
        );
    }

    #[test]
    fn a_required_body_added_is_breaking() {
        assert_changes(
            &[(
                "      security: [{oauth: [items.read]}]\n",
                "      security: [{oauth: [items.read]}]\n      requestBody: {required: true, content: {text/plain: {schema: {type: string}}}}\n",
            )],
            &[(Breaking, "`t::get_item`: required body `String` added")],
        );
    }

    #[test]
    fn a_body_removed_is_breaking() {
        assert_changes(
            &[(
                "      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}\n",
                "",
            )],
            &[(Breaking, "`t::create_item`: body `Item` removed")],
        );
    }

    #[test]
    fn a_body_of_another_type_is_breaking() {
        assert_changes(
            &[(
                "requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}",
                "requestBody: {required: true, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}}",
            )],
            &[(
                Breaking,
                "`t::create_item`: body is `Vec<Item>` instead of `Item`",
            )],
        );
    }

    #[test]
    fn a_body_made_optional_or_required_is_breaking() {
        assert_changes(
            &[(
                "requestBody: {required: true,",
                "requestBody: {required: false,",
            )],
            &[(Breaking, "`t::create_item`: body made optional")],
        );
    }

    #[test]
    fn another_success_type_is_breaking() {
        assert_changes(
            &[(
                "'201': {description: made, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}",
                "'201': {description: made}",
            )],
            &[(Breaking, "`t::create_item`: returns `()` instead of `Item`")],
        );
    }

    #[test]
    fn an_error_status_added_with_the_same_body_is_additive() {
        assert_changes(
            &[(
                "        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n",
                "        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n        '429': {description: slow down, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n",
            )],
            &[(Additive, "`t::get_item`: error status 429 documented")],
        );
    }

    #[test]
    fn an_error_status_removed_is_breaking() {
        assert_changes(
            &[(
                "        '404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n",
                "",
            )],
            &[
                (
                    Breaking,
                    "`t::get_item`: error status 404 no longer documented",
                ),
                (
                    Breaking,
                    "`t::get_item`: error body `()` instead of `Error`",
                ),
            ],
        );
    }

    #[test]
    fn an_error_body_of_another_type_is_breaking() {
        assert_changes(
            &[(
                "'404': {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}",
                "'404': {description: no, content: {application/json: {schema: {type: string}}}}",
            )],
            &[(
                Breaking,
                "`t::get_item`: error body `String` instead of `Error`",
            )],
        );
    }

    #[test]
    fn auth_becoming_required_is_breaking_and_relaxed_is_additive() {
        assert_changes(
            &[(
                "      security: [{oauth: [items.write]}]\n",
                "      security: []\n",
            )],
            &[
                (
                    Additive,
                    "`t::create_item`: credentials not sent (were required)",
                ),
                (
                    Additive,
                    "`t::create_item`: no longer needs scope `items.write`",
                ),
            ],
        );
        assert_changes(
            &[(
                "security: [{oauth: [items.read]}]",
                "security: [{}, {oauth: [items.read]}]",
            )],
            &[(
                Additive,
                "`t::get_item`: credentials optional (were required)",
            )],
        );
        let old = surface(&edited(&[(
            "security: [{oauth: [items.read]}]",
            "security: [{}, {oauth: [items.read]}]",
        )]));
        assert_eq!(
            lines(&diff(&old, &surface(BASE))),
            [(
                Breaking,
                "`t::get_item`: credentials required (were optional)"
            )]
        );
    }

    #[test]
    fn a_scope_added_is_breaking_and_one_dropped_is_additive() {
        assert_changes(
            &[(
                "security: [{oauth: [items.read]}]",
                "security: [{oauth: [items.read, items.write]}]",
            )],
            &[(
                Breaking,
                "`t::get_item`: needs scope `items.write` (a token without it is refused)",
            )],
        );
        assert_changes(
            &[(
                "      operationId: GetItem\n",
                "      operationId: GetItem\n      x-jtl-scope: items.admin\n",
            )],
            &[(
                Breaking,
                "`t::get_item`: needs scope `items.admin` (a token without it is refused)",
            )],
        );
        assert_changes(
            &[(
                "security: [{oauth: [items.read]}]",
                "security: [{oauth: []}]",
            )],
            &[(
                Additive,
                "`t::get_item`: no longer needs scope `items.read`",
            )],
        );
    }

    #[test]
    fn a_required_context_header_is_breaking_and_an_optional_one_additive() {
        let with = |required: bool| {
            changes_by(|s| {
                op(s, "GetItem")
                    .context
                    .push(super::super::surface::ContextSurface {
                        header: "tenant-id".to_owned(),
                        required,
                    });
            })
        };
        assert_eq!(
            lines(&with(true)),
            [(
                Breaking,
                "`t::get_item`: sends the context header `tenant-id` (required: set it on the client's `Context`)"
            )]
        );
        assert_eq!(
            lines(&with(false)),
            [(
                Additive,
                "`t::get_item`: sends the context header `tenant-id` when the `Context` has it"
            )]
        );
        let old = {
            let mut s = surface(BASE);
            op(&mut s, "GetItem")
                .context
                .push(super::super::surface::ContextSurface {
                    header: "tenant-id".to_owned(),
                    required: true,
                });
            s
        };
        assert_eq!(
            lines(&diff(&old, &surface(BASE))),
            [(
                Additive,
                "`t::get_item`: no longer sends the context header `tenant-id`"
            )]
        );
    }

    #[test]
    fn paging_added_is_additive_and_removed_breaking() {
        let paged = {
            let mut s = surface(BASE);
            op(&mut s, "GetItem").paging = Some(super::super::surface::PagingSurface {
                pages: "get_item_pages".to_owned(),
                stream: "get_item_stream".to_owned(),
                item: "Item".to_owned(),
            });
            s
        };
        assert_eq!(
            lines(&diff(&surface(BASE), &paged)),
            [(
                Additive,
                "`t::get_item`: pages and items as streams: `get_item_pages` and `get_item_stream` added"
            )]
        );
        assert_eq!(
            lines(&diff(&paged, &surface(BASE))),
            [(
                Breaking,
                "`t::get_item`: no longer paged: `get_item_pages` and `get_item_stream` removed"
            )]
        );
    }

    #[test]
    fn deprecation_is_additive() {
        assert_changes(
            &[(
                "      operationId: GetItem\n",
                "      operationId: GetItem\n      deprecated: true\n",
            )],
            &[(Additive, "`t::get_item`: deprecated")],
        );
    }

    #[test]
    fn a_module_added_is_additive_and_one_removed_breaking() {
        let mut two = surface(BASE);
        let mut other = two.modules[0].clone();
        other.name = "other".to_owned();
        two.modules.push(other);
        assert_eq!(
            lines(&diff(&surface(BASE), &two)),
            [(Additive, "module `other` added (2 operations)")]
        );
        assert_eq!(
            lines(&diff(&two, &surface(BASE))),
            [(Breaking, "module `other` removed (2 operations)")]
        );
    }

    #[test]
    fn a_hand_written_module_left_out_is_breaking_and_one_added_additive() {
        fn with(surface: &mut Surface, names: &[&str]) {
            surface.handwritten = names.iter().map(|n| n.to_string()).collect();
        }
        let mut old = surface(BASE);
        with(&mut old, &["fake", "registration"]);
        let mut new = old.clone();
        with(&mut new, &["registration", "wawi_session"]);
        assert_eq!(
            lines(&diff(&old, &new)),
            [
                (
                    Breaking,
                    "hand-written module `fake` left out: the documents lack an operation it \
                     calls (the warning `inlineable-left-out` names it)"
                ),
                (Additive, "hand-written module `wawi_session` added"),
            ]
        );
        assert!(diff(&old, &old.clone()).is_empty(), "the same modules");
    }

    #[test]
    fn a_model_added_is_additive() {
        assert_changes(
            &[(
                "    Error:",
                "    Tag: {type: object, properties: {label: {type: string}}}\n    Error:",
            )],
            &[(Additive, "model `Tag` added")],
        );
    }

    #[test]
    fn a_model_removed_is_breaking() {
        assert_changes(
            &[
                ("{$ref: '#/components/schemas/Error'}", "{type: string}"),
                (
                    "    Error: {type: object, properties: {message: {type: string}}}\n",
                    "",
                ),
            ],
            &[
                (
                    Breaking,
                    "`t::get_item`: error body `String` instead of `Error`",
                ),
                (Breaking, "model `Error` removed"),
            ],
        );
    }

    #[test]
    fn a_model_renamed_is_breaking() {
        assert_changes(
            &[
                ("    Error:", "    Problem:"),
                (
                    "{$ref: '#/components/schemas/Error'}",
                    "{$ref: '#/components/schemas/Problem'}",
                ),
            ],
            &[
                (
                    Breaking,
                    "`t::get_item`: error body `Problem` instead of `Error`",
                ),
                (Breaking, "model `Error` renamed to `Problem`"),
            ],
        );
    }

    #[test]
    fn an_optional_property_added_is_additive() {
        assert_changes(
            &[(
                "        color: {type: string}\n",
                "        color: {type: string}\n        weight: {type: number}\n",
            )],
            &[(
                Additive,
                "model `Item`: optional property `weight: f64` added",
            )],
        );
    }

    #[test]
    fn a_required_property_added_is_breaking() {
        assert_changes(
            &[
                ("required: [id, name]", "required: [id, name, weight]"),
                (
                    "        color: {type: string}\n",
                    "        color: {type: string}\n        weight: {type: number}\n",
                ),
            ],
            &[(
                Breaking,
                "model `Item`: required property `weight: f64` added",
            )],
        );
    }

    #[test]
    fn a_property_removed_is_breaking() {
        assert_changes(
            &[("        color: {type: string}\n", "")],
            &[(Breaking, "model `Item`: property `color` removed")],
        );
    }

    #[test]
    fn a_property_made_required_is_breaking() {
        assert_changes(
            &[("required: [id, name]", "required: [id, name, color]")],
            &[(Breaking, "model `Item`: property `color` made required")],
        );
    }

    #[test]
    fn a_property_made_optional_is_breaking() {
        assert_changes(
            &[("required: [id, name]", "required: [id]")],
            &[(
                Breaking,
                "model `Item`: property `name` made optional (its type becomes an `Option`)",
            )],
        );
    }

    #[test]
    fn a_property_type_changed_is_breaking() {
        assert_changes(
            &[(
                "        color: {type: string}\n",
                "        color: {type: integer}\n",
            )],
            &[(
                Breaking,
                "model `Item`: property `color` is `i64` instead of `String`",
            )],
        );
    }

    #[test]
    fn required_properties_reordered_are_breaking() {
        assert_changes(
            &[(
                "        id: {type: integer, format: int64}\n        name: {type: string}\n",
                "        name: {type: string}\n        id: {type: integer, format: int64}\n",
            )],
            &[(
                Breaking,
                "model `Item`: required properties reordered: `name, id` instead of `id, name`",
            )],
        );
    }

    #[test]
    fn a_wire_spelling_changed_is_additive() {
        assert_changes(
            &[(
                "        color: {type: string}\n",
                "        Color: {type: string}\n",
            )],
            &[(
                Additive,
                "model `Item`: property `color` is spelled `Color` on the wire (was `color`; the client follows)",
            )],
        );
    }

    #[test]
    fn an_enum_added_is_additive_and_one_removed_breaking() {
        assert_changes(
            &[
                (
                    "    Error:",
                    "    Size: {type: string, enum: [s, m, l]}\n    Error:",
                ),
                (
                    "        color: {type: string}\n",
                    "        color: {type: string}\n        size: {$ref: '#/components/schemas/Size'}\n",
                ),
            ],
            &[
                (
                    Additive,
                    "model `Item`: optional property `size: Size` added",
                ),
                (Additive, "enum `Size` added"),
            ],
        );
        assert_changes(
            &[
                (
                    "        status: {$ref: '#/components/schemas/Status'}\n",
                    "",
                ),
                ("    Status: {type: string, enum: [active, archived]}\n", ""),
            ],
            &[
                (Breaking, "model `Item`: property `status` removed"),
                (Breaking, "enum `Status` removed"),
            ],
        );
    }

    #[test]
    fn an_enum_renamed_is_breaking() {
        assert_changes(
            &[
                ("    Status: {", "    State: {"),
                (
                    "{$ref: '#/components/schemas/Status'}",
                    "{$ref: '#/components/schemas/State'}",
                ),
            ],
            &[
                (
                    Breaking,
                    "model `Item`: property `status` is `State` instead of `Status`",
                ),
                (Breaking, "enum `Status` renamed to `State`"),
            ],
        );
    }

    #[test]
    fn an_enum_value_added_is_additive() {
        assert_changes(
            &[(
                "enum: [active, archived]",
                "enum: [active, archived, deleted]",
            )],
            &[(
                Additive,
                "enum `Status`: value `deleted` added (variant `Deleted`)",
            )],
        );
    }

    #[test]
    fn an_enum_value_removed_is_breaking() {
        assert_changes(
            &[("enum: [active, archived]", "enum: [active]")],
            &[(
                Breaking,
                "enum `Status`: value `archived` removed (variant `Archived`)",
            )],
        );
    }

    #[test]
    fn an_enum_variant_renamed_is_breaking() {
        let int = |names: &str| {
            edited(&[(
                "    Status: {type: string, enum: [active, archived]}",
                &format!("    Status: {{type: integer, enum: [0, 1], x-enumNames: [{names}]}}"),
            )])
        };
        assert_eq!(
            lines(&diff(
                &surface(&int("Active, Archived")),
                &surface(&int("Active, Old"))
            )),
            [(
                Breaking,
                "enum `Status`: variant `Archived` renamed to `Old` (value `1`)"
            )]
        );
    }

    #[test]
    fn an_enum_of_another_kind_is_breaking() {
        let int = edited(&[(
            "    Status: {type: string, enum: [active, archived]}",
            "    Status: {type: integer, enum: [0, 1], x-enumNames: [Active, Archived]}",
        )]);
        assert_eq!(
            lines(&diff(&surface(BASE), &surface(&int))),
            [(
                Breaking,
                "enum `Status`: integer values instead of string values"
            )]
        );
    }

    #[test]
    fn a_union_variant_added_is_additive() {
        assert_changes(
            &[
                (
                    "    Error:",
                    "    Dot: {type: object, required: [x], properties: {x: {type: number}}}\n    Error:",
                ),
                (
                    "{$ref: '#/components/schemas/Square'}]}",
                    "{$ref: '#/components/schemas/Square'}, {$ref: '#/components/schemas/Dot'}]}",
                ),
            ],
            &[
                (Additive, "model `Dot` added"),
                (Additive, "union `Shape`: variant `Dot(Dot)` added"),
            ],
        );
    }

    #[test]
    fn a_union_variant_removed_or_changed_is_breaking() {
        assert_changes(
            &[(
                "{oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]}",
                "{oneOf: [{$ref: '#/components/schemas/Circle'}, {type: string}]}",
            )],
            &[
                (Breaking, "union `Shape`: variant `Square` removed"),
                (Additive, "union `Shape`: variant `Text(String)` added"),
            ],
        );
    }

    #[test]
    fn a_union_made_nullable_is_breaking() {
        assert_changes(
            &[("    Shape: {oneOf:", "    Shape: {nullable: true, oneOf:")],
            &[
                (
                    Breaking,
                    "model `Item`: property `shape` is `Option<Shape>` instead of `Shape`",
                ),
                (
                    Breaking,
                    "union `Shape`: made nullable (where it is used, its type changes)",
                ),
            ],
        );
    }

    #[test]
    fn breaking_changes_come_first() {
        let changes = changes_of(&[
            (
                "enum: [active, archived]",
                "enum: [active, archived, deleted]",
            ),
            ("        color: {type: string}\n", ""),
        ]);
        assert_eq!(
            lines(&changes),
            [
                (Breaking, "model `Item`: property `color` removed"),
                (
                    Additive,
                    "enum `Status`: value `deleted` added (variant `Deleted`)"
                ),
            ]
        );
        assert_eq!(
            changes[0].subject,
            Subject {
                kind: SubjectKind::Model,
                module: None,
                name: "Item".to_owned(),
                member: Some("property color".to_owned()),
            }
        );
        assert_eq!(changes[0].what, What::Removed);
    }

    #[test]
    fn names_with_backticks_stay_one_code_span() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("plain"), "`plain`");
    }
}
