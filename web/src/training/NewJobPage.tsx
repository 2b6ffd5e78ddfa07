import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { navigate, ShellLink } from '../shell/navigation';
import { SUBMIT_TRAINING_JOB, type TrainingJobInput } from './operations';
import { jobPath, TRAINING_PATH } from './paths';
import { EMPTY_FORM, formToInput, type SpecFormState } from './spec-form';
import { locateProblems, readSpecYaml, specToYaml } from './spec-yaml';
import { CodeArchiveUpload } from './CodeArchiveUpload';
import { SpecFormFields } from './SpecFormFields';
import { SpecProblems, submitFailure, type SubmitFailure } from './SpecProblems';
import './training.css';

type Mode = 'form' | 'yaml';

const YAML_PLACEHOLDER = `name: tabular-node
experiment: tabular
backend: local
runtime: node
command: [node, -e, "console.log('hello')"]
hyperparameters: {epochs: 20}
maxRetries: 0`;

/** The submit form: fields, or a pasted/uploaded job YAML; the API's problems show next to it. */
export function NewJobPage() {
  const [mode, setMode] = useState<Mode>('form');
  const [form, setForm] = useState<SpecFormState>(EMPTY_FORM);
  const [yamlText, setYamlText] = useState('');
  const [failure, setFailure] = useState<SubmitFailure | null>(null);
  const [state, submit] = useMutation(SUBMIT_TRAINING_JOB);

  function change<Key extends keyof SpecFormState>(key: Key, value: SpecFormState[Key]) {
    setForm((current) => ({ ...current, [key]: value }));
  }

  function switchTo(next: Mode) {
    // The form's content carries over to the YAML editor, so a user can start from fields.
    if (next === 'yaml' && yamlText.trim() === '' && form.name.trim() !== '') {
      setYamlText(specToYaml(formToInput(form).input));
    }
    setFailure(null);
    setMode(next);
  }

  async function send(input: TrainingJobInput, yamlSource: string | null) {
    const result = await submit({ input });
    if (result.data) {
      navigate(jobPath(result.data.submitTrainingJob.id));
      return;
    }
    if (!result.error) {
      setFailure({ message: 'The API answered without the job. Try again.', problems: [] });
      return;
    }
    const read = submitFailure(result.error);
    setFailure(yamlSource === null ? read : { ...read, problems: locateProblems(yamlSource, read.problems) });
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    if (mode === 'form') {
      const { input, problems } = formToInput(form);
      if (problems.length > 0) return setFailure({ message: '', problems });
      return send(input, null);
    }
    const read = readSpecYaml(yamlText, form.codeArchiveId || undefined);
    if (read.problems) return setFailure({ message: '', problems: read.problems });
    return send(read.input, yamlText);
  }

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) setYamlText(await file.text());
  }

  return (
    <section className="page" aria-labelledby="page-title">
      <p className="breadcrumbs">
        <ShellLink to={TRAINING_PATH}>Training</ShellLink> /
      </p>
      <h2 id="page-title">New training job</h2>
      <div className="job-actions" role="group" aria-label="How to describe the job">
        <button type="button" aria-pressed={mode === 'form'} onClick={() => switchTo('form')}>
          Form
        </button>
        <button type="button" aria-pressed={mode === 'yaml'} onClick={() => switchTo('yaml')}>
          Paste or upload YAML
        </button>
      </div>
      <form onSubmit={(event) => void onSubmit(event)} aria-label="Job spec">
        {mode === 'form' ? (
          <SpecFormFields
            form={form}
            change={change}
            code={
              <CodeArchiveUpload
                archiveId={form.codeArchiveId}
                onChange={(archiveId) => change('codeArchiveId', archiveId)}
              />
            }
          />
        ) : (
          <div className="field">
            <label htmlFor="job-yaml">Job YAML</label>
            <textarea
              id="job-yaml"
              className="yaml-editor"
              rows={18}
              spellCheck={false}
              placeholder={YAML_PLACEHOLDER}
              value={yamlText}
              onChange={(event) => setYamlText(event.target.value)}
            />
            <label htmlFor="job-yaml-file">Or upload job.yaml</label>
            <input
              id="job-yaml-file"
              type="file"
              accept=".yaml,.yml,.json"
              onChange={(event) => void loadFile(event)}
            />
            <p className="hint">
              The fields of <code>aitip jobs run -f job.yaml</code> (JSON works too). The browser does not open the
              YAML&apos;s <code>code:</code> directory itself: choose that folder (or a .tar.gz of it) under Code below,
              and it takes its place.
            </p>
            <CodeArchiveUpload
              archiveId={form.codeArchiveId}
              onChange={(archiveId) => change('codeArchiveId', archiveId)}
            />
          </div>
        )}
        <SpecProblems failure={failure} />
        <button type="submit" disabled={state.fetching}>
          {state.fetching ? 'Submitting…' : 'Submit job'}
        </button>
      </form>
    </section>
  );
}
