import { useId, type ReactNode } from 'react';
import { Field } from '../shell/Field';
import type { SpecFormState } from './spec-form';

type Change = <Key extends keyof SpecFormState>(key: Key, value: SpecFormState[Key]) => void;

function TextArea({
  label,
  hint,
  value,
  onChange,
}: {
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field wide">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={4}
        spellCheck={false}
        aria-describedby={`${id}-hint`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
    </div>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The submit form's fields, one per job spec field the browser can send. */
export function SpecFormFields({ form, change, code }: { form: SpecFormState; change: Change; code?: ReactNode }) {
  const text = (key: keyof SpecFormState) => ({
    value: String(form[key]),
    onChange: (event: { target: { value: string } }) => change(key, event.target.value as never),
  });
  return (
    <div className="spec-form">
      <Field label="Name" required {...text('name')} />
      <Field label="Experiment" hint="Created if missing; default: the job name." {...text('experiment')} />
      <Select
        label="Backend"
        value={form.backend}
        options={['local', 'docker', 'kubernetes']}
        onChange={(value) => change('backend', value as SpecFormState['backend'])}
      />
      {form.backend === 'local' ? (
        <Select
          label="Runtime"
          value={form.runtime}
          options={['node', 'python3']}
          onChange={(value) => change('runtime', value)}
        />
      ) : (
        <Field label="Image" placeholder="aitip/pytorch:1" {...text('image')} />
      )}
      <TextArea
        label="Command"
        hint='One argument per line (e.g. python3, train.py), or a JSON array: ["python3", "train.py"]. Not run through a shell.'
        value={form.command}
        onChange={(value) => change('command', value)}
      />
      <TextArea
        label="Hyperparameters"
        hint="name=value, one per line: passed as AITIP_HP_<NAME>, as --name=value arguments after the command (end a node -e command with --), and recorded as run params."
        value={form.hyperparameters}
        onChange={(value) => change('hyperparameters', value)}
      />
      <TextArea
        label="Environment"
        hint="NAME=value, one per line."
        value={form.env}
        onChange={(value) => change('env', value)}
      />
      <TextArea
        label="Inputs"
        hint="Dataset versions, one per line: dataset, dataset@version or name=dataset@version; mounted read-only at $AITIP_DATA_DIR/<name>."
        value={form.inputs}
        onChange={(value) => change('inputs', value)}
      />
      <Field label="CPU per worker" inputMode="decimal" {...text('cpu')} />
      <Field label="Memory per worker (MiB)" inputMode="numeric" {...text('memoryMiB')} />
      <Field label="GPUs per worker" inputMode="numeric" {...text('gpus')} />
      <Field label="GPU type" placeholder="nvidia-a100" {...text('gpuType')} />
      <Field label="Workers" inputMode="numeric" hint="2 or more for distributed training." {...text('workers')} />
      <Field label="Timeout (seconds)" inputMode="numeric" hint="Empty: no limit." {...text('timeoutSeconds')} />
      <Field label="Max retries" inputMode="numeric" {...text('maxRetries')} />
      <Field
        label="Register model"
        placeholder="model.onnx"
        hint="An output file that becomes a model version."
        {...text('registerModel')}
      />
      <div className="field">
        <label>
          <input type="checkbox" checked={form.network} onChange={(event) => change('network', event.target.checked)} />{' '}
          Network access (containers)
        </label>
      </div>
      <div className="field wide">{code}</div>
    </div>
  );
}
