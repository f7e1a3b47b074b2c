/**
 * examples/streamlit-dashboard (Streamlit and pandas) on a real engine: the checks of every web example
 * (web-app.ts), with Streamlit's own health route. DOCKER_BEST_SKIP_ENGINE=1 skips this explicitly.
 */
import assert from 'node:assert/strict';
import { describeWebApp } from './web-app.js';

describeWebApp({
  example: 'streamlit-dashboard',
  what: 'a Streamlit dashboard',
  route: '/',
  answer: (answer) => {
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<title>Streamlit<\/title>|streamlit/i);
  },
  health: '/_stcore/health',
});
