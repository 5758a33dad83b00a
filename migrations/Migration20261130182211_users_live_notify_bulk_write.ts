import { Migration } from '@mikro-orm/migrations';

export class Migration20261130182211_users_live_notify_bulk_write extends Migration {

  override name = 'Migration20261130182211_users_live_notify_bulk_write';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "live_notify" on "users";`);
    this.addSql(`drop function if exists "users_live_notify_fn"();`);
    this.addSql(`create or replace function "users_live_notify_fn"() returns trigger as \$\$ begin if coalesce(nullif(current_setting('cabinet.live_users', true), ''), '0')::int >= 100 then perform pg_notify('cabinet_live', json_build_object('table', 'users', 'id', null, 'version', null)::text); return null; end if; perform set_config('cabinet.live_users', (coalesce(nullif(current_setting('cabinet.live_users', true), ''), '0')::int + 1)::text, true); if tg_op = 'DELETE' then perform pg_notify('cabinet_live', json_build_object('table', 'users', 'id', case when octet_length(old.user_id) <= 1000 then old.user_id end, 'version', old.version)::text); else perform pg_notify('cabinet_live', json_build_object('table', 'users', 'id', case when octet_length(new.user_id) <= 1000 then new.user_id end, 'version', new.version)::text); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "live_notify" AFTER INSERT OR UPDATE OR DELETE on "users" for each ROW
  when ((current_setting('cabinet.bulk_write'::text, true) IS DISTINCT FROM 'on'::text)) execute function "users_live_notify_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "live_notify" on "users";`);
    this.addSql(`drop function if exists "users_live_notify_fn"();`);
    this.addSql(`create or replace function "users_live_notify_fn"() returns trigger as \$\$ begin if coalesce(nullif(current_setting('cabinet.live_users', true), ''), '0')::int >= 100 then perform pg_notify('cabinet_live', json_build_object('table', 'users', 'id', null, 'version', null)::text); return null; end if; perform set_config('cabinet.live_users', (coalesce(nullif(current_setting('cabinet.live_users', true), ''), '0')::int + 1)::text, true); if tg_op = 'DELETE' then perform pg_notify('cabinet_live', json_build_object('table', 'users', 'id', case when octet_length(old.user_id) <= 1000 then old.user_id end, 'version', old.version)::text); else perform pg_notify('cabinet_live', json_build_object('table', 'users', 'id', case when octet_length(new.user_id) <= 1000 then new.user_id end, 'version', new.version)::text); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "live_notify" AFTER INSERT OR UPDATE OR DELETE on "users" for each ROW execute function "users_live_notify_fn"();`);
  }

}
