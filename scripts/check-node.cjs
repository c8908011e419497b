// Stops `npm start` and `npm test` at once on a Node.js older than package.json's
// engines.node, with a message naming both versions (`npm install` is stopped by
// .npmrc's engine-strict). CommonJS in old syntax on purpose: it must run on any Node.js.
'use strict';
var fs = require('fs');
var path = require('path');

var pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
var wanted = String((pkg.engines && pkg.engines.node) || '');
var match = /^>=\s*(\d+)/.exec(wanted);
if (!match) {
  console.error('package.json engines.node must read ">=N" (it reads "' + wanted + '")');
  process.exit(1);
}
var required = Number(match[1]);
var found = process.versions.node;
if (Number(found.split('.')[0]) < required) {
  console.error(
    'Meridian needs Node.js ' +
      required +
      ' or newer (package.json engines.node "' +
      wanted +
      '"), but this is Node.js v' +
      found +
      ' (' +
      process.execPath +
      ').\n' +
      'Install Node.js ' +
      required +
      ' (for example `nvm install ' +
      required +
      '`), put it first on PATH and run the command again.',
  );
  process.exit(1);
}
