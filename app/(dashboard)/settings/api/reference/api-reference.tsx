"use client";

import "swagger-ui-dist/swagger-ui.css";
import { useEffect, useRef, useState } from "react";

/**
 * Swagger UI over the document at `url`. Its bundle is imported from node_modules, so Next builds
 * it into this app's own chunks (loaded by Next's nonce'd scripts: allowed by the CSP's
 * 'strict-dynamic', nothing fetched from another host). The online validator badge is off: it
 * would send the document to swagger.io.
 */
export function ApiReference({ url }: { url: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-es-bundle.js")
      .then(({ default: SwaggerUIBundle }) => {
        if (cancelled || !host.current) return;
        SwaggerUIBundle({ url, domNode: host.current, validatorUrl: null, deepLinking: true, docExpansion: "list", defaultModelsExpandDepth: 0 });
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [url]);
  return (
    <div className="mt-5 rounded-lg border border-slate-200 bg-white shadow-sm">
      {failed ? <p className="p-4 text-sm text-red-700">The reference could not be loaded; the document is at {url}.</p> : null}
      <div ref={host} data-testid="api-reference" />
    </div>
  );
}
