export { listPlaybooks, instantiatePlaybook, PLAYBOOK_KEYS, type PlaybookPicks } from "./playbooks";
export { checkGraphShape, handlesOf } from "./graph-check";
export { playbookErrors } from "./playbooks.errors";
