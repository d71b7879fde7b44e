/**
 * TaskRouter resources as Twilio returns them. Parley has one workspace; its activities are
 * the three built-ins (each with a stable sid) and the custom ones an admin defines.
 */
import type { Request } from 'express';
import {
  BUILT_IN_ACTIVITIES,
  builtInActivitySid,
  builtInBySid,
  type ActivityView as CoreActivityView,
} from '../../core/routing/activities.ts';
import type { TaskDTO, TaskStatus, WorkerDTO } from '../../protocol.ts';
import type { Reservation, Store, TaskQueue, Workflow } from '../../store/types.ts';
import { accountSidOf, baseUrlOf, fixedSid, twilioDate } from './wire.ts';

export const WORKSPACE_SID = fixedSid('WS', 'workspace');
export const ACTIVITIES = BUILT_IN_ACTIVITIES;
export const activitySid = builtInActivitySid;
export const activityBySid = builtInBySid;
export const TASK_CHANNEL_SID = fixedSid('TC', 'task-channel:chat');

const workspaceUrl = (req: Request) => `${baseUrlOf(req)}/v1/Workspaces/${WORKSPACE_SID}`;
const common = (req: Request) => ({ account_sid: accountSidOf(req), workspace_sid: WORKSPACE_SID });

/** When the workspace began and last changed; null only while it holds nothing. */
export interface WorkspaceDates {
  created: string | null;
  updated: string | null;
}

/**
 * Parley's one workspace has no row of its own: it began with the first queue, workflow or
 * worker in it and changed when the last of them did. Three small lists, read per request.
 */
export async function workspaceDates(store: Store): Promise<WorkspaceDates> {
  const [queues, workflows, workers] = await Promise.all([
    store.queues.list(),
    store.workflows.list(),
    store.workers.list(),
  ]);
  const all = [...queues, ...workflows, ...workers];
  const created = all.map((r) => r.dateCreated).sort()[0] ?? null;
  const updated =
    all
      .map((r) => r.dateUpdated)
      .sort()
      .at(-1) ?? null;
  return { created, updated };
}

export function workspaceView(req: Request, dates: WorkspaceDates) {
  const url = workspaceUrl(req);
  return {
    account_sid: accountSidOf(req),
    sid: WORKSPACE_SID,
    friendly_name: 'Parley',
    default_activity_name: 'Offline',
    default_activity_sid: activitySid('Offline'),
    timeout_activity_name: 'Unavailable',
    timeout_activity_sid: activitySid('Unavailable'),
    event_callback_url: null,
    events_filter: null,
    multi_task_enabled: true,
    prioritize_queue_order: 'FIFO',
    date_created: twilioDate(dates.created),
    date_updated: twilioDate(dates.updated),
    url,
    links: {
      activities: `${url}/Activities`,
      task_queues: `${url}/TaskQueues`,
      task_channels: `${url}/TaskChannels`,
      tasks: `${url}/Tasks`,
      workers: `${url}/Workers`,
      workflows: `${url}/Workflows`,
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
    },
  };
}

/** A built-in activity has no dates of its own: it is as old as the workspace. */
export const activityView = (req: Request, activity: CoreActivityView, workspace: WorkspaceDates) => ({
  ...common(req),
  sid: activity.sid,
  friendly_name: activity.friendlyName,
  available: activity.available,
  date_created: twilioDate(activity.dateCreated ?? workspace.created),
  date_updated: twilioDate(activity.dateUpdated ?? workspace.created),
  url: `${workspaceUrl(req)}/Activities/${activity.sid}`,
  links: { workspace: workspaceUrl(req) },
});

/** The sid of the activity a worker is in: its custom one, else the built-in's. */
export const workerActivitySid = (worker: WorkerDTO) => worker.activitySid ?? activitySid(worker.activity);

export function workerView(req: Request, worker: WorkerDTO) {
  const url = `${workspaceUrl(req)}/Workers/${worker.sid}`;
  return {
    ...common(req),
    sid: worker.sid,
    friendly_name: worker.friendlyName,
    activity_name: worker.activityName,
    activity_sid: workerActivitySid(worker),
    available: worker.activity === 'Available',
    attributes: JSON.stringify(worker.attributes),
    date_created: twilioDate(worker.dateCreated),
    date_updated: twilioDate(worker.dateUpdated),
    date_status_changed: twilioDate(worker.dateUpdated),
    url,
    links: {
      activity: `${workspaceUrl(req)}/Activities/${workerActivitySid(worker)}`,
      channels: `${url}/Channels`,
      reservations: `${url}/Reservations`,
      statistics: `${url}/Statistics`,
      workspace: workspaceUrl(req),
    },
  };
}

export const taskQueueView = (req: Request, queue: TaskQueue) => ({
  ...common(req),
  sid: queue.sid,
  friendly_name: queue.friendlyName,
  target_workers: queue.targetWorkers,
  task_order: 'FIFO',
  max_reserved_workers: 1,
  assignment_activity_sid: null,
  assignment_activity_name: null,
  reservation_activity_sid: null,
  reservation_activity_name: null,
  date_created: twilioDate(queue.dateCreated),
  date_updated: twilioDate(queue.dateUpdated),
  url: `${workspaceUrl(req)}/TaskQueues/${queue.sid}`,
  links: {
    statistics: `${workspaceUrl(req)}/TaskQueues/${queue.sid}/Statistics`,
    real_time_statistics: `${workspaceUrl(req)}/TaskQueues/${queue.sid}/RealTimeStatistics`,
    cumulative_statistics: `${workspaceUrl(req)}/TaskQueues/${queue.sid}/CumulativeStatistics`,
    workspace: workspaceUrl(req),
  },
});

export const workflowView = (req: Request, workflow: Workflow) => ({
  ...common(req),
  sid: workflow.sid,
  friendly_name: workflow.friendlyName,
  configuration: JSON.stringify(workflow.configuration),
  document_content_type: 'application/json',
  task_reservation_timeout: workflow.taskReservationTimeout,
  assignment_callback_url: null,
  fallback_assignment_callback_url: null,
  date_created: twilioDate(workflow.dateCreated),
  date_updated: twilioDate(workflow.dateUpdated),
  url: `${workspaceUrl(req)}/Workflows/${workflow.sid}`,
  links: { workspace: workspaceUrl(req) },
});

export function taskView(
  req: Request,
  task: TaskDTO,
  names: { queues: Map<string, string>; workflows: Map<string, string> },
) {
  const url = `${workspaceUrl(req)}/Tasks/${task.sid}`;
  return {
    ...common(req),
    sid: task.sid,
    assignment_status: task.status,
    attributes: JSON.stringify(task.attributes),
    addons: '{}',
    age: task.age,
    priority: task.priority,
    reason: task.reason,
    timeout: task.timeout,
    task_queue_sid: task.queueSid,
    task_queue_friendly_name: names.queues.get(task.queueSid) ?? null,
    task_queue_entered_date: twilioDate(task.dateCreated),
    workflow_sid: task.workflowSid,
    workflow_friendly_name: task.workflowSid ? (names.workflows.get(task.workflowSid) ?? null) : null,
    task_channel_sid: TASK_CHANNEL_SID,
    task_channel_unique_name: 'chat',
    virtual_start_time: twilioDate(task.dateCreated),
    ignore_capacity: false,
    routing_target: null,
    date_created: twilioDate(task.dateCreated),
    date_updated: twilioDate(task.dateUpdated),
    url,
    links: { reservations: `${url}/Reservations`, workspace: workspaceUrl(req) },
  };
}

/**
 * A reservation as Twilio shows it: an accepted one whose task is wrapping up is `wrapping`
 * (`taskStatus`, when the caller read the task).
 */
export const reservationView = (
  req: Request,
  reservation: Reservation,
  workerName: string | null,
  taskStatus?: TaskStatus,
) => ({
  ...common(req),
  sid: reservation.sid,
  task_sid: reservation.taskSid,
  worker_sid: reservation.workerSid,
  worker_name: workerName,
  reservation_status:
    reservation.status === 'accepted' && taskStatus === 'wrapping' ? 'wrapping' : reservation.status,
  date_created: twilioDate(reservation.dateCreated),
  date_updated: twilioDate(reservation.dateCreated),
  url: `${workspaceUrl(req)}/Tasks/${reservation.taskSid}/Reservations/${reservation.sid}`,
  links: {
    task: `${workspaceUrl(req)}/Tasks/${reservation.taskSid}`,
    worker: `${workspaceUrl(req)}/Workers/${reservation.workerSid}`,
  },
});
