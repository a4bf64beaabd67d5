// Tokenise .ent files with the extension's TextMate grammar, as VS Code does (vscode-textmate
// on the oniguruma engine), and fail on what a reader would see as a highlighting bug:
//
// - a grammar that does not load, or a line that throws;
// - a token marked `invalid`;
// - text outside comments and strings that no rule matched (a token whose only scope is
//   `source.entitle` yet holds something other than white space);
// - a line starting with a keyword of the language (`product`, `expect`, …) whose first
//   token is not a keyword.
//
// Usage: node tests/tokenize.js FILE...   (scripts/editor-check.sh passes scenarios/*.ent)
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..");
const grammarPath = path.join(root, "syntaxes", "entitle.tmLanguage.json");
const LINE_KEYWORDS = /^\s*(account|product|country|group|user|key|expect|scenario|remove|convert|clear-exceptions|set|register)(?![A-Za-z0-9_.@-])/;

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tests/tokenize.js FILE...");
    process.exit(2);
  }
  const wasm = fs.readFileSync(path.join(root, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.entitle") return null;
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath);
    },
  });
  const grammar = await registry.loadGrammar("source.entitle");
  if (!grammar) throw new Error("the grammar source.entitle did not load");

  let problems = 0;
  let lines = 0;
  const report = (file, n, msg, line) => {
    problems++;
    console.error(`${file}:${n + 1}: ${msg}\n    ${line}`);
  };
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8").split(/\r?\n/);
    let state = vsctm.INITIAL;
    text.forEach((line, n) => {
      lines++;
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      result.tokens.forEach((t, i) => {
        const piece = line.slice(t.startIndex, i + 1 < result.tokens.length ? result.tokens[i + 1].startIndex : line.length);
        if (t.scopes.some((s) => s.startsWith("invalid"))) {
          report(file, n, `invalid token ${JSON.stringify(piece)}: ${t.scopes.join(" ")}`, line);
        } else if (t.scopes.length === 1 && piece.trim() !== "") {
          report(file, n, `no rule matched ${JSON.stringify(piece)}`, line);
        }
      });
      if (LINE_KEYWORDS.test(line)) {
        const first = result.tokens.find((t) => line.slice(t.startIndex).trim() !== "" && line[t.startIndex] !== " ");
        if (!first || !first.scopes.some((s) => s.startsWith("keyword."))) {
          report(file, n, `the line's keyword is not highlighted as one (${first ? first.scopes.join(" ") : "no token"})`, line);
        }
      }
    });
  }
  if (problems > 0) {
    console.error(`${problems} problem(s) in ${files.length} file(s)`);
    process.exit(1);
  }
  console.log(`tokenised ${files.length} file(s), ${lines} lines: no unmatched or invalid text`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
