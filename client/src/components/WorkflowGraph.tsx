import { Link } from 'react-router';
import type { WorkflowStep } from '../api/types';

/** A step's state, with the API's value as both text and CSS class (as StatusBadge does). */
export function StepStateBadge({ state }: { state: WorkflowStep['state'] }) {
  return <span className={`badge status ${state}`}>{state}</span>;
}

/**
 * A workflow's steps drawn as a graph: a chain left to right with arrows, a group's members
 * stacked side by side in time, a chord's group then its callback. Each task step links to its
 * task once it has one.
 */
export function WorkflowGraph({ step }: { step: WorkflowStep }) {
  if (step.kind === 'task') return <TaskNode step={step} />;
  const caption = (
    <p className="wf-caption">
      {step.kind}
      {step.allowFailures && ' (allows failures)'} <StepStateBadge state={step.state} />
    </p>
  );
  if (step.kind === 'group') {
    return (
      <div className={`wf-composite wf-group state-${step.state}`} aria-label={`${step.path}: group, ${step.state}`}>
        {caption}
        <ul className="wf-members">
          {step.steps.map((member) => (
            <li key={member.path}>
              <WorkflowGraph step={member} />
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div className={`wf-composite wf-${step.kind} state-${step.state}`} aria-label={`${step.path}: ${step.kind}, ${step.state}`}>
      {caption}
      <ol className="wf-sequence">
        {step.steps.map((member) => (
          <li key={member.path}>
            <WorkflowGraph step={member} />
          </li>
        ))}
      </ol>
    </div>
  );
}

function TaskNode({ step }: { step: WorkflowStep }) {
  const name = step.taskName ?? 'task';
  return (
    <div className={`wf-node state-${step.state}`} aria-label={`${step.path}: ${name}, ${step.state}`}>
      <p className="wf-node-name">
        {step.taskId ? <Link to={`/tasks/${encodeURIComponent(step.taskId)}`}>{name}</Link> : name}
      </p>
      <p className="wf-node-meta">
        <StepStateBadge state={step.state} />
        {step.taskStatus && step.taskStatus !== step.state && <span className="muted"> task {step.taskStatus}</span>}
      </p>
      <p className="wf-node-path muted">
        <code>{step.path}</code>
      </p>
      {step.reason && <p className="wf-node-reason">{step.reason}</p>}
    </div>
  );
}
