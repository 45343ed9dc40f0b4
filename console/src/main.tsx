import { Alert, MantineProvider } from "@mantine/core";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { loadSettings } from "./env";
import { connectFirebase } from "./firebase";
import { SessionProvider } from "./session";

const root = createRoot(document.getElementById("root") as HTMLElement);

loadSettings()
  .then((settings) => {
    const firebase = connectFirebase(settings);
    root.render(
      <MantineProvider defaultColorScheme="light">
        <SessionProvider firebase={firebase}>
          <App />
        </SessionProvider>
      </MantineProvider>,
    );
  })
  .catch((err: Error) => {
    root.render(
      <MantineProvider>
        <Alert color="red" title="The console cannot start" m="xl" role="alert">
          {err.message}
        </Alert>
      </MantineProvider>,
    );
  });
