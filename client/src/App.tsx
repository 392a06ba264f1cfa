import { Route, Routes } from 'react-router';
import { AuthGate } from './components/AuthGate';
import { Layout } from './components/Layout';
import { CreateTaskPage } from './pages/CreateTaskPage';
import { FailuresPage } from './pages/FailuresPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OverviewPage } from './pages/OverviewPage';
import { ScheduleDetailPage } from './pages/ScheduleDetailPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { TaskDetailPage } from './pages/TaskDetailPage';
import { TasksPage } from './pages/TasksPage';
import { WorkersPage } from './pages/WorkersPage';
import { WorkflowPage } from './pages/WorkflowPage';

/** The routes; Django serves index.html for every non-API path so that deep links work. */
export function App() {
  return (
    <AuthGate>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<OverviewPage />} />
          <Route path="tasks" element={<TasksPage />} />
          <Route path="tasks/:id" element={<TaskDetailPage />} />
          <Route path="workflows/:id" element={<WorkflowPage />} />
          <Route path="failures" element={<FailuresPage />} />
          <Route path="workers" element={<WorkersPage />} />
          <Route path="schedules" element={<SchedulesPage />} />
          <Route path="schedules/:name" element={<ScheduleDetailPage />} />
          <Route path="create" element={<CreateTaskPage />} />
          <Route path="login" element={<LoginPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </AuthGate>
  );
}
