//! The page's script and style sheet, embedded in the binary (no build step).
//! They hold no data: they are the only answers given without the cookie.

use super::Reply;

const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// The asset called `name`; any other name is not found (no file is read).
pub fn get(name: &str) -> Reply {
    let (content_type, body) = match name {
        "app.js" => ("text/javascript; charset=utf-8", APP_JS),
        "style.css" => ("text/css; charset=utf-8", STYLE_CSS),
        _ => return Reply::not_found(),
    };
    Reply::with(200, content_type, body.as_bytes().to_vec())
}
