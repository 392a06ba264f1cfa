import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { LiveEventsProvider } from './hooks/LiveEvents';
import { PollingProvider } from './hooks/PollingProvider';
import { createQueryClient } from './queryClient';
import './styles/index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <PollingProvider>
        <LiveEventsProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </LiveEventsProvider>
      </PollingProvider>
    </QueryClientProvider>
  </StrictMode>,
);
