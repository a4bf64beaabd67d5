//! `entitle lsp`: a Language Server Protocol server over standard input and output.
//!
//! Built on rust-analyzer's `lsp-server` (synchronous: one thread reads and answers, the
//! framing is the crate's) and `lsp-types`. One file per job: this one is the main loop, the
//! capabilities and the document store; `analysis` an open document and its positions (UTF-16
//! columns, as the protocol counts them); `diagnostics` the CLI's diagnostics and the quick
//! fixes; `hover`; `nav` (definition, references, rename, outline); `complete`; `lens` (code
//! lens on expectations and scenarios, and formatting).
//!
//! Debounce: a change marks the document dirty; its diagnostics are recomputed once
//! [`DEBOUNCE`] has passed after the last change, and always before a request that reads the
//! analysis is answered. A request that panics is answered with an error and the server goes
//! on; a request it does not know gets `MethodNotFound`, bad parameters `InvalidParams`.

pub mod analysis;
pub mod complete;
pub mod diagnostics;
pub mod hover;
pub mod lens;
pub mod nav;

use analysis::Doc;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lt;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long after the last change diagnostics are recomputed.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// What the server can do.
pub fn capabilities() -> lt::ServerCapabilities {
    lt::ServerCapabilities {
        text_document_sync: Some(lt::TextDocumentSyncCapability::Kind(lt::TextDocumentSyncKind::FULL)),
        hover_provider: Some(lt::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lt::OneOf::Left(true)),
        references_provider: Some(lt::OneOf::Left(true)),
        rename_provider: Some(lt::OneOf::Right(lt::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lt::OneOf::Left(true)),
        completion_provider: Some(lt::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ",".into()]),
            ..Default::default()
        }),
        document_formatting_provider: Some(lt::OneOf::Left(true)),
        code_lens_provider: Some(lt::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        code_action_provider: Some(lt::CodeActionProviderCapability::Options(lt::CodeActionOptions {
            code_action_kinds: Some(vec![lt::CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// Serve one client on standard input and output; the exit code.
pub fn run() -> i32 {
    let (connection, io) = Connection::stdio();
    let caps = serde_json::to_value(capabilities()).expect("capabilities serialize");
    let init = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "entitle", "version": env!("CARGO_PKG_VERSION") },
    });
    let code = match connection.initialize_start() {
        Ok((id, _params)) => match connection.initialize_finish(id, init) {
            Ok(()) => {
                let mut server = Server {
                    conn: &connection,
                    docs: HashMap::new(),
                };
                server.main_loop()
            }
            Err(e) => {
                eprintln!("entitle lsp: {e}");
                2
            }
        },
        Err(e) => {
            eprintln!("entitle lsp: {e}");
            2
        }
    };
    drop(connection);
    let _ = io.join();
    code
}

struct Server<'c> {
    conn: &'c Connection,
    docs: HashMap<String, Doc>,
}

/// A failed request: an error code and a message.
type Failure = (ErrorCode, String);

/// An analysed document, its analysis and a byte offset in it.
type At<'d> = (&'d Doc, std::sync::Arc<crate::analysis::Analysis>, usize);

fn bad(e: impl std::fmt::Display) -> Failure {
    (ErrorCode::InvalidParams, e.to_string())
}

fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, Failure> {
    serde_json::from_value(v).map_err(bad)
}

impl Server<'_> {
    fn main_loop(&mut self) -> i32 {
        loop {
            let next = self
                .docs
                .values()
                .filter_map(|d| d.dirty_since)
                .min()
                .map(|t| (t + DEBOUNCE).saturating_duration_since(Instant::now()));
            let msg = match next {
                Some(wait) => match self.conn.receiver.recv_timeout(wait) {
                    Ok(m) => m,
                    Err(crossbeam_channel_timeout) if crossbeam_channel_timeout.is_timeout() => {
                        self.flush_due();
                        continue;
                    }
                    Err(_) => return 1,
                },
                None => match self.conn.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return 1,
                },
            };
            match msg {
                Message::Request(req) => {
                    match self.conn.handle_shutdown(&req) {
                        Ok(true) => return 0,
                        Ok(false) => {}
                        Err(_) => return 1,
                    }
                    let id = req.id.clone();
                    let method = req.method.clone();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(req)));
                    let resp = match result {
                        Ok(Ok(v)) => Response::new_ok(id, v),
                        Ok(Err((code, msg))) => Response::new_err(id, code as i32, msg),
                        Err(_) => Response::new_err(id, ErrorCode::InternalError as i32, format!("{method} failed")),
                    };
                    self.send(Message::Response(resp));
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return 1;
                    }
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notify(n)));
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, m: Message) {
        let _ = self.conn.sender.send(m);
    }

    fn publish(&self, uri: &str) {
        let Some(doc) = self.docs.get(uri) else { return };
        let Some(a) = &doc.analysis else { return };
        let p = diagnostics::publish(doc, a);
        self.send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            p,
        )));
    }

    /// Analyse and publish every document whose debounce delay has passed.
    fn flush_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.dirty_since.is_some_and(|t| now >= t + DEBOUNCE))
            .map(|(k, _)| k.clone())
            .collect();
        for uri in due {
            self.analyse(&uri);
        }
    }

    /// The document `uri`, analysed (and its diagnostics published when they changed).
    fn analyse(&mut self, uri: &str) -> Option<(&Doc, std::sync::Arc<crate::analysis::Analysis>)> {
        let doc = self.docs.get_mut(uri)?;
        let was_dirty = doc.dirty_since.is_some();
        let a = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.analysed()));
        let a = match a {
            Ok(a) => a,
            Err(_) => {
                // never analyse this text again; answer from nothing
                doc.dirty_since = None;
                return None;
            }
        };
        if was_dirty {
            self.publish(uri);
        }
        Some((self.docs.get(uri)?, a))
    }

    fn notify(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let key = p.text_document.uri.as_str().to_string();
                let doc = Doc::new(p.text_document.uri, p.text_document.version, p.text_document.text);
                self.docs.insert(key.clone(), doc);
                self.analyse(&key);
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
                    return;
                };
                let mut text = std::mem::take(&mut doc.text);
                for c in p.content_changes {
                    match c.range {
                        None => text = c.text,
                        Some(r) => {
                            // the text as edited so far, which no analysis holds
                            let range = analysis::bytes(&text, &crate::source::line_starts(&text), r);
                            text.replace_range(range, &c.text);
                        }
                    }
                }
                doc.set_text(p.text_document.version, text);
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                if self.docs.remove(p.text_document.uri.as_str()).is_some() {
                    let p = lt::PublishDiagnosticsParams {
                        uri: p.text_document.uri,
                        diagnostics: vec![],
                        version: None,
                    };
                    self.send(Message::Notification(Notification::new(
                        "textDocument/publishDiagnostics".into(),
                        p,
                    )));
                }
            }
            _ => {}
        }
    }

    /// The analysed document and the byte offset of a position in it.
    fn at(&mut self, p: &lt::TextDocumentPositionParams) -> Result<Option<At<'_>>, Failure> {
        let Some((doc, a)) = self.analyse(p.text_document.uri.as_str()) else {
            return Ok(None);
        };
        let offset = doc.lines.offset(p.position);
        Ok(Some((doc, a, offset)))
    }

    fn request(&mut self, req: Request) -> Result<Value, Failure> {
        let json = |v: Result<Value, serde_json::Error>| v.map_err(|e| (ErrorCode::InternalError, e.to_string()));
        match req.method.as_str() {
            "textDocument/hover" => {
                let p: lt::HoverParams = params(req.params)?;
                let Some((_, a, offset)) = self.at(&p.text_document_position_params)? else {
                    return Ok(Value::Null);
                };
                let h = hover::hover(&a, offset).map(|text| lt::Hover {
                    contents: lt::HoverContents::Markup(lt::MarkupContent {
                        kind: lt::MarkupKind::Markdown,
                        value: text,
                    }),
                    range: None,
                });
                json(serde_json::to_value(h))
            }
            "textDocument/definition" => {
                let p: lt::GotoDefinitionParams = params(req.params)?;
                let Some((doc, a, offset)) = self.at(&p.text_document_position_params)? else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(
                    nav::definition(doc, &a, offset).map(lt::GotoDefinitionResponse::Scalar),
                ))
            }
            "textDocument/references" => {
                let p: lt::ReferenceParams = params(req.params)?;
                let decl = p.context.include_declaration;
                let Some((doc, a, offset)) = self.at(&p.text_document_position)? else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(nav::references(doc, &a, offset, decl)))
            }
            "textDocument/prepareRename" => {
                let p: lt::TextDocumentPositionParams = params(req.params)?;
                let Some((doc, a, offset)) = self.at(&p)? else {
                    return Ok(Value::Null);
                };
                let r = nav::prepare_rename(doc, &a, offset).map_err(|e| (ErrorCode::RequestFailed, e))?;
                json(serde_json::to_value(r))
            }
            "textDocument/rename" => {
                let p: lt::RenameParams = params(req.params)?;
                let Some((doc, a, offset)) = self.at(&p.text_document_position)? else {
                    return Ok(Value::Null);
                };
                let e = nav::rename(doc, &a, offset, &p.new_name).map_err(|e| (ErrorCode::RequestFailed, e))?;
                json(serde_json::to_value(e))
            }
            "textDocument/documentSymbol" => {
                let p: lt::DocumentSymbolParams = params(req.params)?;
                let Some((doc, a)) = self.analyse(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(lt::DocumentSymbolResponse::Nested(nav::symbols(
                    doc, &a,
                ))))
            }
            "textDocument/completion" => {
                let p: lt::CompletionParams = params(req.params)?;
                let Some((doc, a, offset)) = self.at(&p.text_document_position)? else {
                    return Ok(Value::Null);
                };
                let items = complete::complete(&a, &doc.lines, &doc.text, offset);
                json(serde_json::to_value(lt::CompletionResponse::Array(items)))
            }
            "textDocument/formatting" => {
                let p: lt::DocumentFormattingParams = params(req.params)?;
                let Some((doc, a)) = self.analyse(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(lens::format(doc, &a)))
            }
            "textDocument/codeLens" => {
                let p: lt::CodeLensParams = params(req.params)?;
                let Some((doc, a)) = self.analyse(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(lens::code_lens(doc, &a)))
            }
            "textDocument/codeAction" => {
                let p: lt::CodeActionParams = params(req.params)?;
                let Some((doc, a)) = self.analyse(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                let range = doc.lines.bytes(p.range);
                json(serde_json::to_value(diagnostics::code_actions(doc, &a, range)))
            }
            m => Err((ErrorCode::MethodNotFound, format!("unknown method `{m}`"))),
        }
    }
}
