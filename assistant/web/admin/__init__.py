"""The staff console at /admin: documents, uploads, replacements, rules, feedback, audit log and health,
behind a password (assistant.web.admin.auth). Off until `policy-assistant admin set-password`."""
