// The entitle extension: highlighting comes from the TextMate grammar (syntaxes/); everything
// else (diagnostics, quick fixes, hover, navigation, rename, completion, formatting, code lens)
// from `entitle lsp`, the language server built into the entitle binary, started over stdio.
//
// Setting `entitle.path`: the binary to start (default `entitle`, looked up on PATH). Changing
// it restarts the server.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("entitle");
  const command = config.get<string>("path", "entitle") || "entitle";
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "entitle" },
      { scheme: "untitled", language: "entitle" },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.ent"),
    },
    outputChannelName: "entitle",
  };
  client = new LanguageClient("entitle", "entitle", serverOptions(), clientOptions);
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration("entitle").get<string>("path", "entitle");
    void vscode.window.showErrorMessage(
      `entitle: could not start \`${path} lsp\` (${String(err)}). ` +
        "Install entitle, or set `entitle.path` to the binary.",
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  const old = client;
  client = undefined;
  if (old) {
    await old.stop().catch(() => undefined);
  }
  await start(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("entitle.restartServer", () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("entitle.path")) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
