/**
 * The script of the account pages, served from the same origin (the Content-Security-Policy
 * allows scripts from 'self' only, never inline). It posts the page's form as JSON (the API
 * refuses form-encoded bodies) with the link's token, and shows the API's answer: the
 * page's success message, or the problem details (title, detail, field errors, code and
 * request id). Text goes in through textContent only.
 */
export const ACCOUNT_PAGE_SCRIPT_SOURCE = `'use strict';
(() => {
  const form = document.getElementById('account-form');
  const status = document.getElementById('status');
  if (!form || !status) return;
  const button = form.querySelector('button[type="submit"]');
  const needsToken = form.dataset.token === 'required';
  const token = new URLSearchParams(window.location.search).get('token');

  const show = (kind, title, lines) => {
    status.hidden = false;
    status.className = 'status ' + kind;
    status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    status.replaceChildren();
    const heading = document.createElement('strong');
    heading.textContent = title;
    status.append(heading);
    for (const line of lines) {
      const p = document.createElement('p');
      p.textContent = line;
      status.append(p);
    }
  };

  if (needsToken && !token) {
    show('error', 'This link is incomplete.', [
      'Open the link from the email again, or copy all of it into the address bar.',
    ]);
    return;
  }
  button.disabled = false;

  const problemLines = (problem) => {
    const lines = [];
    if (typeof problem.detail === 'string') lines.push(problem.detail);
    if (Array.isArray(problem.errors)) {
      for (const error of problem.errors) {
        if (error && typeof error.message === 'string') lines.push(error.message);
      }
    }
    const refs = [];
    if (typeof problem.code === 'string') refs.push('code ' + problem.code);
    if (typeof problem.requestId === 'string') refs.push('request ' + problem.requestId);
    if (refs.length > 0) lines.push('(' + refs.join(', ') + ')');
    return lines;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = needsToken ? { token } : {};
    for (const input of form.querySelectorAll('input')) {
      const confirms = input.dataset.confirms;
      if (confirms) {
        if (input.value !== form.elements.namedItem(confirms).value) {
          show('error', 'The passwords do not match.', ['Type the same password in both fields.']);
          input.focus();
          return;
        }
      } else if (input.name && (input.required || input.value !== '')) {
        body[input.name] = input.value;
      }
    }
    button.disabled = true;
    show('pending', 'Sending…', []);
    let response;
    try {
      response = await fetch(form.dataset.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, application/problem+json',
        },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      show('error', 'The server could not be reached.', ['Check the connection and try again.']);
      button.disabled = false;
      return;
    }
    if (response.ok) {
      form.hidden = true;
      show('success', form.dataset.success, []);
      return;
    }
    let problem = {};
    try {
      problem = (await response.json()) ?? {};
    } catch {
      problem = {};
    }
    const title =
      typeof problem.title === 'string' ? problem.title : 'The request failed (HTTP ' + response.status + ').';
    show('error', title, problemLines(problem));
    button.disabled = false;
  });
})();
`;
