/** The widget's root: the launcher while closed, the chat window while open. */
import { AppContext, type AppServices, useChatState } from './app-context';
import { ChatWindow } from './chat-window';
import { Launcher } from './launcher';

function Root() {
  const { open } = useChatState();
  return open ? <ChatWindow /> : <Launcher />;
}

export function App({ services }: { services: AppServices }) {
  return (
    <AppContext.Provider value={services}>
      <Root />
    </AppContext.Provider>
  );
}
