"""Cross-cutting helpers: markup, time, mail and database types."""
