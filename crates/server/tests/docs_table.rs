//! docs/server.md shows the permission table exactly as the code has it.
//!
//! When a route or a role's rights change, rewrite the page's table with
//! `CENTRALITA_UPDATE_DOCS=1 cargo test -p server --test docs_table`.

const START: &str = "<!-- permission-table:start (generated from crates/server/src/perms.rs) -->\n";
const END: &str = "<!-- permission-table:end -->";

#[test]
fn server_doc_shows_the_permission_table_of_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/server.md");
    let page = std::fs::read_to_string(path).expect("docs/server.md is readable");
    let start = page
        .find(START)
        .expect("docs/server.md has the permission-table start marker");
    let end = page[start..]
        .find(END)
        .map(|i| start + i)
        .expect("docs/server.md has the permission-table end marker");
    let shown = &page[start + START.len()..end];
    let table = server::perms::permission_table_markdown();
    if shown != table {
        if std::env::var_os("CENTRALITA_UPDATE_DOCS").is_some() {
            let new = format!("{}{}{}", &page[..start + START.len()], table, &page[end..]);
            std::fs::write(path, new).expect("docs/server.md is writable");
            return;
        }
        panic!(
            "docs/server.md's permission table differs from crates/server/src/perms.rs; \
             rewrite it with CENTRALITA_UPDATE_DOCS=1 cargo test -p server --test docs_table"
        );
    }
}
