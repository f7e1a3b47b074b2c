/**
 * The port a detected entry listens on: the server's own flags, its default, then the entry's own code
 * (src/detect/ports.ts). A client's port and prose never count; an over-long number is not cut.
 */
import assert from 'node:assert/strict';
import { detect } from '../support/project-dirs.js';

/** The port detection gives a project whose only script is `main.py` with `code` (plus a main guard). */
const portOfScript = (code: string): number | undefined =>
  detect({ 'main.py': `${code}\n\nif __name__ == "__main__":\n    pass\n` }).port?.value;

describe('the port', () => {
  const scripts: [string, string, number | undefined][] = [
    [
      'socketio.run(app, port=...) of a Flask-SocketIO app',
      'from flask import Flask\nfrom flask_socketio import SocketIO\napp = Flask(__name__)\nsocketio = SocketIO(app)\nsocketio.run(app, host="0.0.0.0", port=5001)',
      5001,
    ],
    ['app.run(host, port) positionally', 'import bottle\nbottle.run("0.0.0.0", 8081)', 8081],
    [
      'uvicorn.run(..., port=PORT) with PORT a constant',
      'import uvicorn\nPORT = 8002\nuvicorn.run("api:app", host="0.0.0.0", port=PORT)',
      8002,
    ],
    ['int(os.environ.get("PORT", 5000))', 'import os\nPORT = int(os.environ.get("PORT", 5000))', 5000],
    ['os.getenv("PORT", "8005") as a string', 'import os\nport = int(os.getenv("PORT", "8005"))', 8005],
    ['os.environ.get("PORT") or 8006', "import os\nport = int(os.environ.get('PORT') or 8006)", 8006],
    [
      'web.run_app(app, port=int(os.environ.get("APP_PORT", 8090)))',
      'import os\nfrom aiohttp import web\nweb.run_app(web.Application(), port=int(os.environ.get("APP_PORT", 8090)))',
      8090,
    ],
    [
      'aiohttp web.run_app(app) with no port: its default',
      'from aiohttp import web\nweb.run_app(web.Application())',
      8080,
    ],
    ['waitress serve(app, port=8070)', 'from waitress import serve\nserve(app, host="0.0.0.0", port=8070)', 8070],
    [
      'Gradio demo.launch(server_port=7861)',
      'import gradio as gr\ndemo = gr.Interface(fn=str, inputs="text", outputs="text")\ndemo.launch(server_name="0.0.0.0", server_port=7861)',
      7861,
    ],
    ['a redis client on 6379: none', 'import redis\ncache = redis.Redis(host="redis", port=6379)', undefined],
    ['psycopg.connect(port=5432): none', 'import psycopg\nconn = psycopg.connect(host="db", port=5432)', undefined],
    ['a database URL: none', 'DATABASE_URL = "postgresql://app@db:5432/app"', undefined],
    ['SMTP_PORT = 587: none', 'SMTP_PORT = 587', undefined],
    ['an over-long number is no port', 'import os\nPORT = int(os.environ.get("PORT", 123456))', undefined],
    ['port 0 is no port', 'PORT = 0', undefined],
    ['a port from an unknown place: none', 'import os\nPORT = int(os.environ["PORT"])', undefined],
  ];
  for (const [name, code, port] of scripts) {
    it(`in a script: ${name} -> ${String(port)}`, () => assert.equal(portOfScript(code), port));
  }

  it("a server's own flags, in a Procfile: the port they name", () => {
    assert.equal(detect({ Procfile: 'web: uvicorn main:app --port 8001\n', 'main.py': '' }).port?.value, 8001);
    assert.equal(detect({ Procfile: 'web: gunicorn -b :8002 app:app\n', 'app.py': '' }).port?.value, 8002);
  });

  it("the framework's default when the flags name none, whatever the code's own app.run says", () => {
    const facts = detect({
      'app.py': 'from flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(port=5000)\n',
    });
    assert.equal(facts.entry?.value, 'gunicorn app:app');
    assert.equal(facts.port?.value, 8000);
    assert.equal(facts.port?.why, "gunicorn's default port");
    assert.equal(detect({ 'app.py': 'import streamlit as st\nst.title("x")\n' }).port?.value, 8501);
  });

  it('a script that names no port is a job: no port', () => {
    assert.equal(portOfScript('print("done")'), undefined);
  });

  it('prose never counts: a README naming a port', () => {
    const facts = detect({ 'README.md': 'Run it: it listens on PORT=8000.\n', 'job.py': 'print(1)\n' });
    assert.equal(facts.port, undefined);
  });
});
