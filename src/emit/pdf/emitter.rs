//! The PDF emitter: PDF/A-2b, typeset with Typst (see [`crate::emit::pdf`]).

use crate::digest::sha256_hex;
use crate::emit::pdf::{BUILTIN_LAYOUT, PdfEngine};
use crate::emit::{Document, EmitOptions, Emitted, Emitter, Format, Unmade};

pub(crate) const FORMAT: Format = Format {
    name: "pdf",
    extension: "pdf",
    about: "PDF/A-2b, to sign and to archive",
    mime: "application/pdf",
    label: "PDF à signer (.pdf)",
    new: |options| Box::new(Pdf::new(options)),
};

struct Pdf {
    engine: PdfEngine,
    layout_hash: String,
    keep_typst: bool,
}

impl Pdf {
    fn new(options: &EmitOptions) -> Pdf {
        Pdf {
            engine: PdfEngine::new(options.layout.clone())
                .with_signing(options.signature.as_ref().map(super::fields::Signing::new)),
            layout_hash: sha256_hex(
                options
                    .layout
                    .as_deref()
                    .unwrap_or(BUILTIN_LAYOUT)
                    .as_bytes(),
            ),
            keep_typst: options.keep_typst,
        }
    }
}

impl Emitter for Pdf {
    fn name(&self) -> &'static str {
        FORMAT.name
    }

    fn layout_hash(&self) -> Option<String> {
        Some(self.layout_hash.clone())
    }

    fn emit(&self, doc: &Document) -> Result<Emitted, Box<Unmade>> {
        match self.engine.render(doc.markdown, doc.meta) {
            Ok(o) => Ok(Emitted {
                pages: Some(o.pages),
                extra: if self.keep_typst {
                    vec![("typ", o.typst_source.into_bytes())]
                } else {
                    Vec::new()
                },
                bytes: o.pdf,
            }),
            Err(mut e) => {
                // Typst's message said in the build's words, the error placed
                // in the source kept beside the PDF (`<id>.typ`).
                let d = &mut e.diagnostic;
                d.message = crate::tr!(
                    "la composition du PDF a échoué\u{a0}: {}",
                    "typesetting failed: {}",
                    d.message.en
                );
                d.file = Some(format!("{}.typ", doc.id).into());
                if self.keep_typst {
                    return Err(e);
                }
                d.hint = Some(crate::diagnostic::Text::new(
                    "lancez `charta build --keep-typst` pour garder la source Typst produite",
                    "run `charta build --keep-typst` to keep the generated Typst source",
                ));
                e.extra.clear();
                Err(e)
            }
        }
    }
}
