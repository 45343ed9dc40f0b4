/** The console's frame: sign-in until a staff session exists, then the pages the staff member's roles allow. */
import { AppShell, Burger, Button, Center, Group, Loader, NavLink, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useEffect } from "react";
import { type PagePath, pagesFor } from "./access";
import { AuditPage } from "./pages/audit";
import { ConfigPage } from "./pages/config";
import { FinancePage } from "./pages/finance";
import { LivePage } from "./pages/live";
import { ModerationPage } from "./pages/moderation";
import { SignInPage } from "./pages/sign-in";
import { UsersPage } from "./pages/users";
import { WithdrawalsPage } from "./pages/withdrawals";
import { navigate, usePath } from "./router";
import { useSession } from "./session";

const PAGE_COMPONENTS: Record<PagePath, () => React.JSX.Element> = {
  "/users": UsersPage,
  "/moderation": ModerationPage,
  "/withdrawals": WithdrawalsPage,
  "/finance": FinancePage,
  "/live": LivePage,
  "/config": ConfigPage,
  "/audit": AuditPage,
};

export function App() {
  const { session, ready, signOut } = useSession();
  const { path } = usePath();
  const [opened, { toggle }] = useDisclosure();
  const pages = session ? pagesFor(session.roles) : [];
  const current = pages.find((page) => path === page.path || path.startsWith(`${page.path}/`));

  useEffect(() => {
    const first = pages[0];
    if (session && !current && first) navigate(first.path);
  }, [session, current, pages]);

  if (!ready) {
    return (
      <Center h="100vh">
        <Loader aria-label="Starting" />
      </Center>
    );
  }
  if (!session) return <SignInPage />;
  const Page = current ? PAGE_COMPONENTS[current.path] : null;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            <Title order={1} size="h4">
              Operations console
            </Title>
          </Group>
          <Group>
            <Text size="sm" data-testid="signed-in-as">
              {session.user.email} · {session.roles.join(", ")}
            </Text>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Pages">
        {pages.map((page) => (
          <NavLink
            key={page.path}
            href={page.path}
            label={page.label}
            active={page === current}
            aria-current={page === current ? "page" : undefined}
            onClick={(event) => {
              event.preventDefault();
              navigate(page.path);
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{Page && <Page />}</AppShell.Main>
    </AppShell>
  );
}
