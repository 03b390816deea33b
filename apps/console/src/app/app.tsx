import { RouterProvider } from "react-router/dom";
import { loginPathFor } from "../features/auth";
import { readInitialLanguage } from "../lib/i18n";
import { applyLanguage } from "./i18n/apply-language";
import { AppProviders } from "./providers";
import { PUBLIC_PATH_PREFIXES, createAppRouter } from "./router";
import { createQueryClient } from "./query-client";

const initialLanguage = readInitialLanguage();
applyLanguage(initialLanguage);

const router = createAppRouter();

// Any 401 outside the public pages means the session is gone: back to the login page,
// remembering where the operator was, then drop what the old session had cached.
const queryClient = createQueryClient(() => {
  const { pathname, search } = router.state.location;
  if (PUBLIC_PATH_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return;
  void router.navigate(loginPathFor(pathname, search), { replace: true }).then(() => queryClient.removeQueries());
});

export function App() {
  return (
    <AppProviders queryClient={queryClient} initialLanguage={initialLanguage}>
      <RouterProvider router={router} />
    </AppProviders>
  );
}
