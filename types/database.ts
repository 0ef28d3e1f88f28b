export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  agents: {
    Tables: {
      agents: {
        Row: {
          agent_address: string | null
          app_id: number | null
          category: Database['agents']['Enums']['agent_category']
          created_at: string
          data_input: string | null
          description: string | null
          example_input: string | null
          example_output: string | null
          github_url: string
          id: string
          name: string
          price_asset: string
          price_microalgo: number
          repo_name: string
          repo_owner: string
          runtime_status: Database['agents']['Enums']['agent_runtime_status']
          status: Database['agents']['Enums']['agent_status']
          subdomain: string
          tags: string[] | null
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          agent_address?: string | null
          app_id?: number | null
          category?: Database['agents']['Enums']['agent_category']
          created_at?: string
          data_input?: string | null
          description?: string | null
          example_input?: string | null
          example_output?: string | null
          github_url: string
          id?: string
          name: string
          price_asset?: string
          price_microalgo?: number
          repo_name: string
          repo_owner: string
          runtime_status?: Database['agents']['Enums']['agent_runtime_status']
          status?: Database['agents']['Enums']['agent_status']
          subdomain: string
          tags?: string[] | null
          updated_at?: string
          user_id?: string
        }
        Update: {
          agent_address?: string | null
          app_id?: number | null
          category?: Database['agents']['Enums']['agent_category']
          created_at?: string
          data_input?: string | null
          description?: string | null
          example_input?: string | null
          example_output?: string | null
          github_url?: string
          id?: string
          name?: string
          price_asset?: string
          price_microalgo?: number
          repo_name?: string
          repo_owner?: string
          runtime_status?: Database['agents']['Enums']['agent_runtime_status']
          status?: Database['agents']['Enums']['agent_status']
          subdomain?: string
          tags?: string[] | null
          updated_at?: string
          user_id?: string
        }
        Relationships: []
      }
      deployments: {
        Row: {
          agent_id: string
          build_logs: string | null
          commit_sha: string | null
          completed_at: string | null
          created_at: string
          deployment_summary: string | null
          id: string
          job_id: string | null
          ref: string | null
          started_at: string
          status: Database['agents']['Enums']['deployment_status']
        }
        ComputedFields: never
        Insert: {
          agent_id: string
          build_logs?: string | null
          commit_sha?: string | null
          completed_at?: string | null
          created_at?: string
          deployment_summary?: string | null
          id?: string
          job_id?: string | null
          ref?: string | null
          started_at?: string
          status?: Database['agents']['Enums']['deployment_status']
        }
        Update: {
          agent_id?: string
          build_logs?: string | null
          commit_sha?: string | null
          completed_at?: string | null
          created_at?: string
          deployment_summary?: string | null
          id?: string
          job_id?: string | null
          ref?: string | null
          started_at?: string
          status?: Database['agents']['Enums']['deployment_status']
        }
        Relationships: [
          {
            foreignKeyName: 'deployments_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'active_agents_view'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'deployments_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'agents'
            referencedColumns: ['id']
          },
        ]
      }
      payment_assets: {
        Row: {
          asset_id: number
          decimals: number
          network: string
          symbol: string
        }
        ComputedFields: never
        Insert: {
          asset_id: number
          decimals: number
          network: string
          symbol: string
        }
        Update: {
          asset_id?: number
          decimals?: number
          network?: string
          symbol?: string
        }
        Relationships: []
      }
      payment_deliveries: {
        Row: {
          attempt_deadline: string
          attempt_started_at: string
          attempts: number
          delivered_at: string | null
          failure_detail: string | null
          failure_reason: Database['agents']['Enums']['delivery_failure'] | null
          max_attempts: number
          payment_id: string
          redeemable_until: string
          runtime_status: number | null
          status: Database['agents']['Enums']['delivery_status']
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          attempt_deadline?: string
          attempt_started_at?: string
          attempts?: number
          delivered_at?: string | null
          failure_detail?: string | null
          failure_reason?: Database['agents']['Enums']['delivery_failure'] | null
          max_attempts?: number
          payment_id: string
          redeemable_until: string
          runtime_status?: number | null
          status?: Database['agents']['Enums']['delivery_status']
          updated_at?: string
        }
        Update: {
          attempt_deadline?: string
          attempt_started_at?: string
          attempts?: number
          delivered_at?: string | null
          failure_detail?: string | null
          failure_reason?: Database['agents']['Enums']['delivery_failure'] | null
          max_attempts?: number
          payment_id?: string
          redeemable_until?: string
          runtime_status?: number | null
          status?: Database['agents']['Enums']['delivery_status']
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'payment_deliveries_payment_id_fkey'
            columns: ['payment_id']
            isOneToOne: true
            referencedRelation: 'payments'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'payment_deliveries_payment_id_fkey'
            columns: ['payment_id']
            isOneToOne: true
            referencedRelation: 'refundable_payments'
            referencedColumns: ['payment_id']
          },
        ]
      }
      payment_nonces: {
        Row: {
          agent_id: string
          amount_microalgo: number
          asset_id: number
          claimed_at: string | null
          consumed_at: string | null
          created_at: string
          expires_at: string
          network: string
          nonce: string
          pay_to: string
          requested_by: string | null
          resource: string
          txid: string | null
        }
        ComputedFields: never
        Insert: {
          agent_id: string
          amount_microalgo: number
          asset_id?: number
          claimed_at?: string | null
          consumed_at?: string | null
          created_at?: string
          expires_at: string
          network: string
          nonce: string
          pay_to: string
          requested_by?: string | null
          resource: string
          txid?: string | null
        }
        Update: {
          agent_id?: string
          amount_microalgo?: number
          asset_id?: number
          claimed_at?: string | null
          consumed_at?: string | null
          created_at?: string
          expires_at?: string
          network?: string
          nonce?: string
          pay_to?: string
          requested_by?: string | null
          resource?: string
          txid?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'payment_nonces_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'active_agents_view'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'payment_nonces_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'agents'
            referencedColumns: ['id']
          },
        ]
      }
      payment_refunds: {
        Row: {
          payment_id: string
          recorded_by: string | null
          refund_txid: string
          refunded_at: string
        }
        ComputedFields: never
        Insert: {
          payment_id: string
          recorded_by?: string | null
          refund_txid: string
          refunded_at?: string
        }
        Update: {
          payment_id?: string
          recorded_by?: string | null
          refund_txid?: string
          refunded_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'payment_refunds_payment_id_fkey'
            columns: ['payment_id']
            isOneToOne: true
            referencedRelation: 'payments'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'payment_refunds_payment_id_fkey'
            columns: ['payment_id']
            isOneToOne: true
            referencedRelation: 'refundable_payments'
            referencedColumns: ['payment_id']
          },
        ]
      }
      payments: {
        Row: {
          agent_id: string | null
          amount_microalgo: number
          asset_id: number
          confirmed_round: number
          created_at: string
          id: string
          network: string
          nonce: string
          pay_to: string
          payer_address: string
          payer_user_id: string | null
          txid: string
        }
        ComputedFields: never
        Insert: {
          agent_id?: string | null
          amount_microalgo: number
          asset_id?: number
          confirmed_round: number
          created_at?: string
          id?: string
          network: string
          nonce: string
          pay_to: string
          payer_address: string
          payer_user_id?: string | null
          txid: string
        }
        Update: {
          agent_id?: string | null
          amount_microalgo?: number
          asset_id?: number
          confirmed_round?: number
          created_at?: string
          id?: string
          network?: string
          nonce?: string
          pay_to?: string
          payer_address?: string
          payer_user_id?: string | null
          txid?: string
        }
        Relationships: [
          {
            foreignKeyName: 'payments_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'active_agents_view'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'payments_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'agents'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'payments_nonce_fkey'
            columns: ['nonce']
            isOneToOne: true
            referencedRelation: 'payment_nonces'
            referencedColumns: ['nonce']
          },
        ]
      }
    }
    Views: {
      active_agents_view: {
        Row: {
          agent_address: string | null
          app_id: number | null
          category: Database['agents']['Enums']['agent_category']
          created_at: string
          data_input: string | null
          description: string | null
          example_input: string | null
          example_output: string | null
          id: string
          name: string
          price_asset: string
          price_microalgo: number
          repo_owner: string
          subdomain: string
          tags: string[] | null
        }
        ComputedFields: never
        Insert: {
          agent_address?: string | null
          app_id?: number | null
          category?: Database['agents']['Enums']['agent_category'] | null
          created_at?: string | null
          data_input?: string | null
          description?: string | null
          example_input?: string | null
          example_output?: string | null
          id?: string | null
          name?: string | null
          price_asset?: string | null
          price_microalgo?: number | null
          repo_owner?: string | null
          subdomain?: string | null
          tags?: string[] | null
        }
        Update: {
          agent_address?: string | null
          app_id?: number | null
          category?: Database['agents']['Enums']['agent_category'] | null
          created_at?: string | null
          data_input?: string | null
          description?: string | null
          example_input?: string | null
          example_output?: string | null
          id?: string | null
          name?: string | null
          price_asset?: string | null
          price_microalgo?: number | null
          repo_owner?: string | null
          subdomain?: string | null
          tags?: string[] | null
        }
        Relationships: []
      }
      refundable_payments: {
        Row: {
          agent_id: string | null
          amount_microalgo: number
          attempts: number
          failure_detail: string | null
          failure_reason: Database['agents']['Enums']['delivery_failure'] | null
          max_attempts: number
          network: string
          paid_at: string
          pay_to: string
          payer_address: string
          payer_user_id: string | null
          payment_id: string
          redeemable_until: string
          refund_owed: boolean | null
          refund_txid: string | null
          refunded_at: string | null
          runtime_status: number | null
          txid: string
        }
        ComputedFields: never
        Relationships: [
          {
            foreignKeyName: 'payments_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'active_agents_view'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'payments_agent_id_fkey'
            columns: ['agent_id']
            isOneToOne: false
            referencedRelation: 'agents'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Functions: {
      apply_deployment_event: {
        Args: {
          event_id: string
          log_lines?: string
          new_agent_address?: string
          new_app_id?: number
          new_status: string
          summary?: string
          target_deployment: string
          target_job_id: string
        }
        Returns: Json
      }
      claim_delivery: {
        Args: {
          attempt_seconds: number
          caller?: string
          claim_txid: string
          max_attempts: number
          settling: boolean
        }
        Returns: Json
      }
      claim_payment_challenge: {
        Args: {
          amount: number
          asset_id: number
          claim_txid: string
          network: string
          pay_to: string
          payer_user?: string
          stale_after_seconds?: number
          target_agent: string
        }
        Returns: Json
      }
      claim_payment_nonce: {
        Args: { claim_nonce: string; claim_txid: string; stale_after_seconds?: number; target_agent: string }
        Returns: Json
      }
      get_agent_stats: {
        Args: { agent_uuid: string }
        Returns: {
          failed_deployments: number
          last_deployment_at: string
          successful_deployments: number
          total_deployments: number
        }[]
      }
      issue_payment_nonce: {
        Args: {
          network: string
          requested_by?: string
          resource: string
          target_agent: string
          ttl_seconds: number
        }
        Returns: {
          agent_id: string
          amount_microalgo: number
          asset_id: number
          claimed_at: string | null
          consumed_at: string | null
          created_at: string
          expires_at: string
          network: string
          nonce: string
          pay_to: string
          requested_by: string | null
          resource: string
          txid: string | null
        }
        SetofOptions: {
          from: '*'
          to: 'payment_nonces'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_delivery: {
        Args: {
          answer_status?: number
          attempt: number
          claim_txid: string
          delivered: boolean
          detail?: string
          reason?: Database['agents']['Enums']['delivery_failure']
        }
        Returns: Json
      }
      record_deployment_job: { Args: { new_job_id: string; target_deployment: string }; Returns: Json }
      record_payment_refund: { Args: { refund_txid: string; target_payment: string }; Returns: Json }
      release_payment_nonce: { Args: { claim_nonce: string; claim_txid: string }; Returns: boolean }
      request_deployment: {
        Args: {
          commit_sha: string
          idempotency_key?: string
          ref: string
          requested_ref?: string
          target_agent: string
        }
        Returns: Json
      }
      settle_payment: {
        Args: {
          amount: number
          claim_nonce: string
          claim_txid: string
          confirmed_round: number
          payer: string
          payer_user?: string
        }
        Returns: Json
      }
    }
    Enums: {
      agent_category:
        | 'Content Creation'
        | 'Data Analysis'
        | 'Development'
        | 'Finance'
        | 'General'
        | 'Language'
        | 'Marketing'
        | 'Media'
        | 'Social Media'
      agent_runtime_status: 'active' | 'pending' | 'stopped' | 'unhealthy'
      agent_status: 'active' | 'deleted' | 'deploying' | 'failed' | 'inactive' | 'pending'
      delivery_failure: 'abandoned' | 'connection_failed' | 'runtime_error' | 'timeout'
      delivery_status: 'delivered' | 'failed' | 'pending'
      deployment_status: 'cancelled' | 'deploying' | 'failed' | 'pending' | 'success'
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  billing: {
    Tables: {
      billing_history: {
        Row: {
          amount: number
          created_at: string
          currency: string
          description: string | null
          id: string
          status: Database['billing']['Enums']['invoice_status']
          stripe_invoice_id: string | null
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          amount: number
          created_at?: string
          currency?: string
          description?: string | null
          id?: string
          status?: Database['billing']['Enums']['invoice_status']
          stripe_invoice_id?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          amount?: number
          created_at?: string
          currency?: string
          description?: string | null
          id?: string
          status?: Database['billing']['Enums']['invoice_status']
          stripe_invoice_id?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'billing_history_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      credit_ledger: {
        Row: {
          amount_cents: number
          created_at: string
          currency: string
          id: number
          idempotency_key: string
          kind: Database['billing']['Enums']['credit_entry_kind']
          reference: NonNullable<Json>
          source: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          amount_cents: number
          created_at?: string
          currency?: string
          id?: never
          idempotency_key: string
          kind: Database['billing']['Enums']['credit_entry_kind']
          reference?: NonNullable<Json>
          source: string
          user_id: string
        }
        Update: {
          amount_cents?: number
          created_at?: string
          currency?: string
          id?: never
          idempotency_key?: string
          kind?: Database['billing']['Enums']['credit_entry_kind']
          reference?: NonNullable<Json>
          source?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'credit_ledger_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      credit_purchases: {
        Row: {
          amount_paid_cents: number
          created_at: string
          credits_cents: number
          currency: string
          dispute_debited_cents: number
          held_cents: number
          payment_intent: string | null
          purchase_key: string
          refund_debited_cents: number
          refund_revision: number
          refunded_cents: number
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          amount_paid_cents: number
          created_at?: string
          credits_cents: number
          currency?: string
          dispute_debited_cents?: number
          held_cents?: number
          payment_intent?: string | null
          purchase_key: string
          refund_debited_cents?: number
          refund_revision?: number
          refunded_cents?: number
          updated_at?: string
          user_id: string
        }
        Update: {
          amount_paid_cents?: number
          created_at?: string
          credits_cents?: number
          currency?: string
          dispute_debited_cents?: number
          held_cents?: number
          payment_intent?: string | null
          purchase_key?: string
          refund_debited_cents?: number
          refund_revision?: number
          refunded_cents?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'credit_purchases_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      customers: {
        Row: {
          cancel_at_period_end: boolean
          canceled_subscription_ids: string[]
          created_at: string
          current_period_end: string | null
          grace_ends_at: string | null
          hopsworks_username: string | null
          past_due_since: string | null
          payment_action_invoice: string | null
          payment_action_required_at: string | null
          payment_action_url: string | null
          stripe_customer_id: string | null
          subscription_id: string | null
          subscription_price_id: string | null
          subscription_state_at: string | null
          subscription_status: string | null
          subscription_tier: string
          trial_ends_at: string | null
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          cancel_at_period_end?: boolean
          canceled_subscription_ids?: string[]
          created_at?: string
          current_period_end?: string | null
          grace_ends_at?: string | null
          hopsworks_username?: string | null
          past_due_since?: string | null
          payment_action_invoice?: string | null
          payment_action_required_at?: string | null
          payment_action_url?: string | null
          stripe_customer_id?: string | null
          subscription_id?: string | null
          subscription_price_id?: string | null
          subscription_state_at?: string | null
          subscription_status?: string | null
          subscription_tier?: string
          trial_ends_at?: string | null
          updated_at?: string
          user_id: string
        }
        Update: {
          cancel_at_period_end?: boolean
          canceled_subscription_ids?: string[]
          created_at?: string
          current_period_end?: string | null
          grace_ends_at?: string | null
          hopsworks_username?: string | null
          past_due_since?: string | null
          payment_action_invoice?: string | null
          payment_action_required_at?: string | null
          payment_action_url?: string | null
          stripe_customer_id?: string | null
          subscription_id?: string | null
          subscription_price_id?: string | null
          subscription_state_at?: string | null
          subscription_status?: string | null
          subscription_tier?: string
          trial_ends_at?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'customers_subscription_tier_fkey'
            columns: ['subscription_tier']
            isOneToOne: false
            referencedRelation: 'subscription_tiers'
            referencedColumns: ['name']
          },
          {
            foreignKeyName: 'customers_user_id_fkey'
            columns: ['user_id']
            isOneToOne: true
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      hopsworks_clusters: {
        Row: {
          api_key: string | null
          api_key_sealed: Json | null
          api_url: string
          created_at: string
          current_users: number
          id: string
          kubeconfig: string | null
          kubeconfig_sealed: Json | null
          max_users: number
          name: string
          prometheus_service: string
          status: Database['billing']['Enums']['cluster_status']
          usage_key_sha256: string | null
          usage_user_label: string
        }
        ComputedFields: never
        Insert: {
          api_key?: string | null
          api_key_sealed?: Json | null
          api_url: string
          created_at?: string
          current_users?: number
          id?: string
          kubeconfig?: string | null
          kubeconfig_sealed?: Json | null
          max_users?: number
          name: string
          prometheus_service?: string
          status?: Database['billing']['Enums']['cluster_status']
          usage_key_sha256?: string | null
          usage_user_label?: string
        }
        Update: {
          api_key?: string | null
          api_key_sealed?: Json | null
          api_url?: string
          created_at?: string
          current_users?: number
          id?: string
          kubeconfig?: string | null
          kubeconfig_sealed?: Json | null
          max_users?: number
          name?: string
          prometheus_service?: string
          status?: Database['billing']['Enums']['cluster_status']
          usage_key_sha256?: string | null
          usage_user_label?: string
        }
        Relationships: []
      }
      settings: {
        Row: {
          id: boolean
          past_due_grace: string
        }
        ComputedFields: never
        Insert: {
          id?: boolean
          past_due_grace?: string
        }
        Update: {
          id?: boolean
          past_due_grace?: string
        }
        Relationships: []
      }
      stripe_charges: {
        Row: {
          amount_cents: number | null
          amount_refunded_cents: number
          id: string
          payment_intent: string | null
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          amount_cents?: number | null
          amount_refunded_cents?: number
          id: string
          payment_intent?: string | null
          updated_at?: string
        }
        Update: {
          amount_cents?: number | null
          amount_refunded_cents?: number
          id?: string
          payment_intent?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      stripe_disputes: {
        Row: {
          amount_cents: number
          charge_id: string | null
          held_cents: number
          id: string
          payment_intent: string | null
          resolution: Database['billing']['Enums']['dispute_resolution'] | null
          status: string
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          amount_cents: number
          charge_id?: string | null
          held_cents?: number
          id: string
          payment_intent?: string | null
          resolution?: Database['billing']['Enums']['dispute_resolution'] | null
          status: string
          updated_at?: string
        }
        Update: {
          amount_cents?: number
          charge_id?: string | null
          held_cents?: number
          id?: string
          payment_intent?: string | null
          resolution?: Database['billing']['Enums']['dispute_resolution'] | null
          status?: string
          updated_at?: string
        }
        Relationships: []
      }
      stripe_event_failures: {
        Row: {
          attempts: number
          error_code: string
          error_message: string
          event_id: string | null
          first_failed_at: string
          id: number
          last_failed_at: string
          payload: NonNullable<Json>
          sqlstate: string | null
          type: string | null
        }
        ComputedFields: never
        Insert: {
          attempts?: number
          error_code: string
          error_message: string
          event_id?: string | null
          first_failed_at?: string
          id?: never
          last_failed_at?: string
          payload: NonNullable<Json>
          sqlstate?: string | null
          type?: string | null
        }
        Update: {
          attempts?: number
          error_code?: string
          error_message?: string
          event_id?: string | null
          first_failed_at?: string
          id?: never
          last_failed_at?: string
          payload?: NonNullable<Json>
          sqlstate?: string | null
          type?: string | null
        }
        Relationships: []
      }
      stripe_events: {
        Row: {
          created: string
          id: string
          livemode: boolean
          outcome: string
          received_at: string
          type: string
        }
        ComputedFields: never
        Insert: {
          created: string
          id: string
          livemode?: boolean
          outcome: string
          received_at?: string
          type: string
        }
        Update: {
          created?: string
          id?: string
          livemode?: boolean
          outcome?: string
          received_at?: string
          type?: string
        }
        Relationships: []
      }
      stripe_prices: {
        Row: {
          created_at: string
          interval: Database['billing']['Enums']['price_interval']
          is_active: boolean
          price_id: string
          tier: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          interval: Database['billing']['Enums']['price_interval']
          is_active?: boolean
          price_id: string
          tier: string
        }
        Update: {
          created_at?: string
          interval?: Database['billing']['Enums']['price_interval']
          is_active?: boolean
          price_id?: string
          tier?: string
        }
        Relationships: [
          {
            foreignKeyName: 'stripe_prices_tier_fkey'
            columns: ['tier']
            isOneToOne: false
            referencedRelation: 'subscription_tiers'
            referencedColumns: ['name']
          },
        ]
      }
      stripe_refunds: {
        Row: {
          amount_cents: number
          charge_id: string | null
          id: string
          payment_intent: string | null
          status: string | null
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          amount_cents: number
          charge_id?: string | null
          id: string
          payment_intent?: string | null
          status?: string | null
          updated_at?: string
        }
        Update: {
          amount_cents?: number
          charge_id?: string | null
          id?: string
          payment_intent?: string | null
          status?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      subscription_tiers: {
        Row: {
          api_call_cents: number
          cpu_hour_cents: number
          currency: string
          display_name: string
          features: NonNullable<Json>
          gpu_hour_cents: number
          id: number
          is_active: boolean
          limits: NonNullable<Json>
          name: string
          price_monthly: number
          price_yearly: number
          storage_gb_month_cents: number
        }
        ComputedFields: never
        Insert: {
          api_call_cents?: number
          cpu_hour_cents?: number
          currency?: string
          display_name: string
          features?: NonNullable<Json>
          gpu_hour_cents?: number
          id?: never
          is_active?: boolean
          limits?: NonNullable<Json>
          name: string
          price_monthly?: number
          price_yearly?: number
          storage_gb_month_cents?: number
        }
        Update: {
          api_call_cents?: number
          cpu_hour_cents?: number
          currency?: string
          display_name?: string
          features?: NonNullable<Json>
          gpu_hour_cents?: number
          id?: never
          is_active?: boolean
          limits?: NonNullable<Json>
          name?: string
          price_monthly?: number
          price_yearly?: number
          storage_gb_month_cents?: number
        }
        Relationships: []
      }
      usage_daily: {
        Row: {
          api_calls: number
          charged_cents: number
          cpu_hours: number
          created_at: string
          currency: string
          date: string
          gpu_hours: number
          hopsworks_cluster_id: string | null
          id: string
          ledger_revision: number
          storage_gb_months: number
          total_cost: number
          uncovered_cents: number
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          api_calls?: number
          charged_cents?: number
          cpu_hours?: number
          created_at?: string
          currency?: string
          date: string
          gpu_hours?: number
          hopsworks_cluster_id?: string | null
          id?: string
          ledger_revision?: number
          storage_gb_months?: number
          total_cost?: number
          uncovered_cents?: number
          updated_at?: string
          user_id: string
        }
        Update: {
          api_calls?: number
          charged_cents?: number
          cpu_hours?: number
          created_at?: string
          currency?: string
          date?: string
          gpu_hours?: number
          hopsworks_cluster_id?: string | null
          id?: string
          ledger_revision?: number
          storage_gb_months?: number
          total_cost?: number
          uncovered_cents?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'usage_daily_hopsworks_cluster_id_fkey'
            columns: ['hopsworks_cluster_id']
            isOneToOne: false
            referencedRelation: 'hopsworks_clusters'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'usage_daily_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      user_credits: {
        Row: {
          balance: number | null
          cpu_hours_used: number
          currency: string
          gpu_hours_used: number
          storage_gb_months: number
          total_purchased: number
          total_used: number
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          balance?: never
          cpu_hours_used?: number
          currency?: string
          gpu_hours_used?: number
          storage_gb_months?: number
          total_purchased?: number
          total_used?: number
          updated_at?: string
          user_id: string
        }
        Update: {
          balance?: never
          cpu_hours_used?: number
          currency?: string
          gpu_hours_used?: number
          storage_gb_months?: number
          total_purchased?: number
          total_used?: number
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'user_credits_user_id_fkey'
            columns: ['user_id']
            isOneToOne: true
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      user_hopsworks_assignments: {
        Row: {
          assigned_at: string
          attempts: number
          hopsworks_cluster_id: string
          hopsworks_username: string | null
          last_error: string | null
          next_attempt_at: string | null
          state: Database['billing']['Enums']['assignment_state']
          user_id: string
        }
        ComputedFields: never
        Insert: {
          assigned_at?: string
          attempts?: number
          hopsworks_cluster_id: string
          hopsworks_username?: string | null
          last_error?: string | null
          next_attempt_at?: string | null
          state?: Database['billing']['Enums']['assignment_state']
          user_id: string
        }
        Update: {
          assigned_at?: string
          attempts?: number
          hopsworks_cluster_id?: string
          hopsworks_username?: string | null
          last_error?: string | null
          next_attempt_at?: string | null
          state?: Database['billing']['Enums']['assignment_state']
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'user_hopsworks_assignments_hopsworks_cluster_id_fkey'
            columns: ['hopsworks_cluster_id']
            isOneToOne: false
            referencedRelation: 'hopsworks_clusters'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'user_hopsworks_assignments_user_id_fkey'
            columns: ['user_id']
            isOneToOne: true
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Views: {
      account_standing: {
        Row: {
          balance: number | null
          held_cents: number | null
          restricted: boolean | null
          user_id: string
        }
        ComputedFields: never
        Insert: {
          balance?: number | null
          held_cents?: never
          restricted?: never
          user_id?: string | null
        }
        Update: {
          balance?: number | null
          held_cents?: never
          restricted?: never
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'user_credits_user_id_fkey'
            columns: ['user_id']
            isOneToOne: true
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      stripe_dead_letters: {
        Row: {
          attempts: number
          error_code: string
          error_message: string
          event_id: string | null
          first_failed_at: string
          last_failed_at: string
          payload: NonNullable<Json>
          sqlstate: string | null
          type: string | null
        }
        ComputedFields: never
        Insert: {
          attempts?: number | null
          error_code?: string | null
          error_message?: string | null
          event_id?: string | null
          first_failed_at?: string | null
          last_failed_at?: string | null
          payload?: Json | null
          sqlstate?: string | null
          type?: string | null
        }
        Update: {
          attempts?: number | null
          error_code?: string | null
          error_message?: string | null
          event_id?: string | null
          first_failed_at?: string | null
          last_failed_at?: string | null
          payload?: Json | null
          sqlstate?: string | null
          type?: string | null
        }
        Relationships: []
      }
      users: {
        Row: {
          created_at: string
          email: string | null
          external_id: string | null
          hopsworks_username: string | null
          id: string
          is_admin: boolean
          last_login_at: string | null
          login_count: number
          name: string | null
          status: Database['public']['Enums']['profile_status']
          stripe_customer_id: string | null
          subscription_tier: string | null
        }
        ComputedFields: never
        Relationships: []
      }
    }
    Functions: {
      add_credit_entry: {
        Args: {
          amount: number
          entry_currency?: string
          entry_kind: string
          entry_reference?: Json
          entry_source: string
          key: string
          target_user: string
        }
        Returns: number
      }
      apply_stripe_event: {
        Args: { current_object?: Json; event: Json; retrieved_at?: string }
        Returns: Json
      }
      assign_cluster: { Args: { target_user: string; username?: string }; Returns: string }
      begin_release: {
        Args: { target_user: string }
        Returns: {
          assigned_at: string
          attempts: number
          hopsworks_cluster_id: string
          hopsworks_username: string | null
          last_error: string | null
          next_attempt_at: string | null
          state: Database['billing']['Enums']['assignment_state']
          user_id: string
        }
        SetofOptions: {
          from: '*'
          to: 'user_hopsworks_assignments'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      claim_provisioning: {
        Args: { max_rows?: number }
        Returns: {
          assigned_at: string
          attempts: number
          hopsworks_cluster_id: string
          hopsworks_username: string | null
          last_error: string | null
          next_attempt_at: string | null
          state: Database['billing']['Enums']['assignment_state']
          user_id: string
        }[]
        SetofOptions: {
          from: '*'
          to: 'user_hopsworks_assignments'
          isOneToOne: false
          isSetofReturn: true
        }
      }
      confirm_assignment: {
        Args: { target_user: string; username: string }
        Returns: {
          assigned_at: string
          attempts: number
          hopsworks_cluster_id: string
          hopsworks_username: string | null
          last_error: string | null
          next_attempt_at: string | null
          state: Database['billing']['Enums']['assignment_state']
          user_id: string
        }
        SetofOptions: {
          from: '*'
          to: 'user_hopsworks_assignments'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      end_past_due_grace: { Args: Record<PropertyKey, never>; Returns: number }
      finish_release: { Args: { target_user: string }; Returns: boolean }
      note_provisioning_failure: {
        Args: { error: string; target_user: string }
        Returns: {
          assigned_at: string
          attempts: number
          hopsworks_cluster_id: string
          hopsworks_username: string | null
          last_error: string | null
          next_attempt_at: string | null
          state: Database['billing']['Enums']['assignment_state']
          user_id: string
        }
        SetofOptions: {
          from: '*'
          to: 'user_hopsworks_assignments'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_stripe_dead_letter: {
        Args: { error_code: string; error_message: string; event: Json; sqlstate?: string }
        Returns: Json
      }
      record_usage: {
        Args: {
          calls: number
          cluster: string
          cpu: number
          gpu: number
          storage: number
          target_user: string
          usage_date: string
        }
        Returns: {
          api_calls: number
          charged_cents: number
          cpu_hours: number
          created_at: string
          currency: string
          date: string
          gpu_hours: number
          hopsworks_cluster_id: string | null
          id: string
          ledger_revision: number
          storage_gb_months: number
          total_cost: number
          uncovered_cents: number
          updated_at: string
          user_id: string
        }
        SetofOptions: {
          from: '*'
          to: 'usage_daily'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      reserve_cluster: {
        Args: { target_user: string }
        Returns: {
          assigned_at: string
          attempts: number
          hopsworks_cluster_id: string
          hopsworks_username: string | null
          last_error: string | null
          next_attempt_at: string | null
          state: Database['billing']['Enums']['assignment_state']
          user_id: string
        }
        SetofOptions: {
          from: '*'
          to: 'user_hopsworks_assignments'
          isOneToOne: true
          isSetofReturn: false
        }
      }
    }
    Enums: {
      assignment_state: 'pending' | 'active' | 'releasing'
      cluster_status: 'active' | 'draining' | 'inactive'
      credit_entry_kind: 'adjustment' | 'purchase' | 'refund' | 'usage'
      dispute_resolution: 'debited' | 'held' | 'released'
      invoice_status: 'failed' | 'paid' | 'pending' | 'refunded' | 'void'
      price_interval: 'month' | 'year'
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  cloud: {
    Tables: {
      bitnami_categories: {
        Row: {
          category_id: number
          created_at: string
          name: string
          total: number
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          category_id: number
          created_at?: string
          name: string
          total?: number
          updated_at?: string
        }
        Update: {
          category_id?: number
          created_at?: string
          name?: string
          total?: number
          updated_at?: string
        }
        Relationships: []
      }
      bitnami_operator_capabilities: {
        Row: {
          capability_id: string
          created_at: string
          name: string
          total: number
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          capability_id: string
          created_at?: string
          name: string
          total?: number
          updated_at?: string
        }
        Update: {
          capability_id?: string
          created_at?: string
          name?: string
          total?: number
          updated_at?: string
        }
        Relationships: []
      }
      bitnami_packages: {
        Row: {
          all_containers_images_whitelisted: boolean
          app_version: string | null
          available_versions: Json | null
          category: number | null
          cncf: boolean
          container_images: Json | null
          contains_security_updates: boolean
          content_url: string | null
          created_at: string
          dependencies: Json | null
          deprecated: boolean
          description: string | null
          description_embedding: string | null
          digest: string | null
          has_values_schema: boolean
          home_url: string | null
          internal_logo_url: string | null
          is_operator: boolean
          keywords: NonNullable<Json>
          keywords_embedding: string | null
          keywords_text: string | null
          license: string | null
          links: Json | null
          logo_image_id: string | null
          name: string
          normalized_name: string | null
          official: boolean
          package_id: string
          prerelease: boolean
          production_organizations_count: number
          readme: string | null
          readme_embedding: string | null
          repository_display_name: string | null
          repository_id: string | null
          repository_kind: number | null
          repository_name: string | null
          repository_official: boolean
          repository_organization_display_name: string | null
          repository_organization_name: string | null
          repository_scanner_disabled: boolean
          repository_url: string | null
          repository_verified_publisher: boolean
          search_tsv: unknown
          security_report_created_at: number | null
          security_report_summary: Json | null
          security_reports: Json | null
          signed: boolean
          stars: number
          statistics: Json | null
          stats_subscriptions: number
          stats_webhooks: number
          ts: number | null
          updated_at: string
          version: string | null
        }
        ComputedFields: never
        Insert: {
          all_containers_images_whitelisted?: boolean
          app_version?: string | null
          available_versions?: Json | null
          category?: number | null
          cncf?: boolean
          container_images?: Json | null
          contains_security_updates?: boolean
          content_url?: string | null
          created_at?: string
          dependencies?: Json | null
          deprecated?: boolean
          description?: string | null
          description_embedding?: string | null
          digest?: string | null
          has_values_schema?: boolean
          home_url?: string | null
          internal_logo_url?: string | null
          is_operator?: boolean
          keywords?: NonNullable<Json>
          keywords_embedding?: string | null
          keywords_text?: never
          license?: string | null
          links?: Json | null
          logo_image_id?: string | null
          name: string
          normalized_name?: string | null
          official?: boolean
          package_id?: string
          prerelease?: boolean
          production_organizations_count?: number
          readme?: string | null
          readme_embedding?: string | null
          repository_display_name?: string | null
          repository_id?: string | null
          repository_kind?: number | null
          repository_name?: string | null
          repository_official?: boolean
          repository_organization_display_name?: string | null
          repository_organization_name?: string | null
          repository_scanner_disabled?: boolean
          repository_url?: string | null
          repository_verified_publisher?: boolean
          search_tsv?: never
          security_report_created_at?: number | null
          security_report_summary?: Json | null
          security_reports?: Json | null
          signed?: boolean
          stars?: number
          statistics?: Json | null
          stats_subscriptions?: number
          stats_webhooks?: number
          ts?: number | null
          updated_at?: string
          version?: string | null
        }
        Update: {
          all_containers_images_whitelisted?: boolean
          app_version?: string | null
          available_versions?: Json | null
          category?: number | null
          cncf?: boolean
          container_images?: Json | null
          contains_security_updates?: boolean
          content_url?: string | null
          created_at?: string
          dependencies?: Json | null
          deprecated?: boolean
          description?: string | null
          description_embedding?: string | null
          digest?: string | null
          has_values_schema?: boolean
          home_url?: string | null
          internal_logo_url?: string | null
          is_operator?: boolean
          keywords?: NonNullable<Json>
          keywords_embedding?: string | null
          keywords_text?: never
          license?: string | null
          links?: Json | null
          logo_image_id?: string | null
          name?: string
          normalized_name?: string | null
          official?: boolean
          package_id?: string
          prerelease?: boolean
          production_organizations_count?: number
          readme?: string | null
          readme_embedding?: string | null
          repository_display_name?: string | null
          repository_id?: string | null
          repository_kind?: number | null
          repository_name?: string | null
          repository_official?: boolean
          repository_organization_display_name?: string | null
          repository_organization_name?: string | null
          repository_scanner_disabled?: boolean
          repository_url?: string | null
          repository_verified_publisher?: boolean
          search_tsv?: never
          security_report_created_at?: number | null
          security_report_summary?: Json | null
          security_reports?: Json | null
          signed?: boolean
          stars?: number
          statistics?: Json | null
          stats_subscriptions?: number
          stats_webhooks?: number
          ts?: number | null
          updated_at?: string
          version?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'bitnami_packages_category_fkey'
            columns: ['category']
            isOneToOne: false
            referencedRelation: 'bitnami_categories'
            referencedColumns: ['category_id']
          },
        ]
      }
      conversations: {
        Row: {
          created_at: string
          id: string
          title: string | null
          user_id: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          id?: string
          title?: string | null
          user_id: string
        }
        Update: {
          created_at?: string
          id?: string
          title?: string | null
          user_id?: string
        }
        Relationships: []
      }
      cred: {
        Row: {
          created_at: string
          id: number
          provider: string | null
          provider_credentials: Json | null
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          id?: number
          provider?: string | null
          provider_credentials?: Json | null
        }
        Update: {
          created_at?: string
          id?: number
          provider?: string | null
          provider_credentials?: Json | null
        }
        Relationships: [
          {
            foreignKeyName: 'cred_provider_fkey'
            columns: ['provider']
            isOneToOne: false
            referencedRelation: 'providers'
            referencedColumns: ['provider']
          },
        ]
      }
      currency_rates: {
        Row: {
          currency: string
          per_usd: number
          rate_date: string | null
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          currency: string
          per_usd: number
          rate_date?: string | null
          updated_at?: string
        }
        Update: {
          currency?: string
          per_usd?: number
          rate_date?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      data: {
        Row: {
          created_at: string
          id: number
          key: string
          provider: string | null
          value: Json | null
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          id?: number
          key: string
          provider?: string | null
          value?: Json | null
        }
        Update: {
          created_at?: string
          id?: number
          key?: string
          provider?: string | null
          value?: Json | null
        }
        Relationships: [
          {
            foreignKeyName: 'data_provider_fkey'
            columns: ['provider']
            isOneToOne: false
            referencedRelation: 'providers'
            referencedColumns: ['provider']
          },
        ]
      }
      instances: {
        Row: {
          available: boolean
          bandwidth_mbps: number | null
          capabilities: Json | null
          cpu_cores: number | null
          cpu_manufacturer: string | null
          cpu_mhz: number | null
          cpu_model: string | null
          cpu_threads: number | null
          created_at: string
          data_source_timestamp: string | null
          description: string | null
          disk_count: number | null
          disk_gb: number | null
          disk_type: string | null
          embedding: string | null
          gpu_count: number
          gpu_manufacturer: string | null
          gpu_memory_gb: number | null
          gpu_model: string | null
          id: string
          inbound_bandwidth: number | null
          instance_id: string
          instance_type: string | null
          memory_gb: number | null
          memory_mb: number | null
          name: string | null
          networking_throughput: number | null
          os_type: string | null
          outbound_bandwidth: number | null
          price_currency: string
          price_hourly: number | null
          price_monthly: number | null
          provider: string
          quota: number | null
          raw_data: Json | null
          regions: NonNullable<Json>
          search_text: string | null
          stock_status: string | null
          transfer_tb: number | null
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          available?: boolean
          bandwidth_mbps?: number | null
          capabilities?: Json | null
          cpu_cores?: number | null
          cpu_manufacturer?: string | null
          cpu_mhz?: number | null
          cpu_model?: string | null
          cpu_threads?: number | null
          created_at?: string
          data_source_timestamp?: string | null
          description?: string | null
          disk_count?: number | null
          disk_gb?: number | null
          disk_type?: string | null
          embedding?: string | null
          gpu_count?: number
          gpu_manufacturer?: string | null
          gpu_memory_gb?: number | null
          gpu_model?: string | null
          id?: string
          inbound_bandwidth?: number | null
          instance_id: string
          instance_type?: string | null
          memory_gb?: number | null
          memory_mb?: number | null
          name?: string | null
          networking_throughput?: number | null
          os_type?: string | null
          outbound_bandwidth?: number | null
          price_currency?: string
          price_hourly?: number | null
          price_monthly?: number | null
          provider: string
          quota?: number | null
          raw_data?: Json | null
          regions?: NonNullable<Json>
          search_text?: never
          stock_status?: string | null
          transfer_tb?: number | null
          updated_at?: string
        }
        Update: {
          available?: boolean
          bandwidth_mbps?: number | null
          capabilities?: Json | null
          cpu_cores?: number | null
          cpu_manufacturer?: string | null
          cpu_mhz?: number | null
          cpu_model?: string | null
          cpu_threads?: number | null
          created_at?: string
          data_source_timestamp?: string | null
          description?: string | null
          disk_count?: number | null
          disk_gb?: number | null
          disk_type?: string | null
          embedding?: string | null
          gpu_count?: number
          gpu_manufacturer?: string | null
          gpu_memory_gb?: number | null
          gpu_model?: string | null
          id?: string
          inbound_bandwidth?: number | null
          instance_id?: string
          instance_type?: string | null
          memory_gb?: number | null
          memory_mb?: number | null
          name?: string | null
          networking_throughput?: number | null
          os_type?: string | null
          outbound_bandwidth?: number | null
          price_currency?: string
          price_hourly?: number | null
          price_monthly?: number | null
          provider?: string
          quota?: number | null
          raw_data?: Json | null
          regions?: NonNullable<Json>
          search_text?: never
          stock_status?: string | null
          transfer_tb?: number | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'instances_provider_fkey'
            columns: ['provider']
            isOneToOne: false
            referencedRelation: 'providers'
            referencedColumns: ['provider']
          },
        ]
      }
      messages: {
        Row: {
          content: string
          conversation_id: string
          created_at: string
          id: string
          metadata: NonNullable<Json>
          role: Database['cloud']['Enums']['message_role']
        }
        ComputedFields: never
        Insert: {
          content: string
          conversation_id: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role: Database['cloud']['Enums']['message_role']
        }
        Update: {
          content?: string
          conversation_id?: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role?: Database['cloud']['Enums']['message_role']
        }
        Relationships: [
          {
            foreignKeyName: 'messages_conversation_id_fkey'
            columns: ['conversation_id']
            isOneToOne: false
            referencedRelation: 'conversations'
            referencedColumns: ['id']
          },
        ]
      }
      price_history: {
        Row: {
          available: boolean
          id: number
          offer_id: string
          price_currency: string
          price_hourly: number | null
          price_monthly: number | null
          recorded_at: string
        }
        ComputedFields: never
        Insert: {
          available: boolean
          id?: never
          offer_id: string
          price_currency: string
          price_hourly?: number | null
          price_monthly?: number | null
          recorded_at: string
        }
        Update: {
          available?: boolean
          id?: never
          offer_id?: string
          price_currency?: string
          price_hourly?: number | null
          price_monthly?: number | null
          recorded_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'price_history_offer_id_fkey'
            columns: ['offer_id']
            isOneToOne: false
            referencedRelation: 'instances'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'price_history_offer_id_fkey'
            columns: ['offer_id']
            isOneToOne: false
            referencedRelation: 'instances_with_city'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'price_history_offer_id_fkey'
            columns: ['offer_id']
            isOneToOne: false
            referencedRelation: 'instances_with_country'
            referencedColumns: ['id']
          },
        ]
      }
      providers: {
        Row: {
          created_at: string
          id: string
          logo_url: string | null
          provider: string
          provider_credentials: Json | null
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          id?: string
          logo_url?: string | null
          provider: string
          provider_credentials?: Json | null
        }
        Update: {
          created_at?: string
          id?: string
          logo_url?: string | null
          provider?: string
          provider_credentials?: Json | null
        }
        Relationships: []
      }
      regions: {
        Row: {
          city: string | null
          continent: string | null
          country: string | null
          extra_info: NonNullable<Json>
          id: string
          provider: string
          region_id: string
          status: string | null
        }
        ComputedFields: never
        Insert: {
          city?: string | null
          continent?: string | null
          country?: string | null
          extra_info?: NonNullable<Json>
          id?: string
          provider: string
          region_id: string
          status?: string | null
        }
        Update: {
          city?: string | null
          continent?: string | null
          country?: string | null
          extra_info?: NonNullable<Json>
          id?: string
          provider?: string
          region_id?: string
          status?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'regions_provider_fkey'
            columns: ['provider']
            isOneToOne: false
            referencedRelation: 'providers'
            referencedColumns: ['provider']
          },
        ]
      }
    }
    Views: {
      instances_with_city: {
        Row: {
          available: boolean
          bandwidth_mbps: number | null
          capabilities: Json | null
          city: string | null
          continent: string | null
          country: string | null
          cpu_cores: number | null
          cpu_manufacturer: string | null
          cpu_mhz: number | null
          cpu_model: string | null
          cpu_threads: number | null
          created_at: string
          data_source_timestamp: string | null
          description: string | null
          disk_count: number | null
          disk_gb: number | null
          disk_type: string | null
          embedding: string | null
          gpu_count: number
          gpu_manufacturer: string | null
          gpu_memory_gb: number | null
          gpu_model: string | null
          id: string
          inbound_bandwidth: number | null
          instance_id: string
          instance_type: string | null
          memory_gb: number | null
          memory_mb: number | null
          name: string | null
          networking_throughput: number | null
          os_type: string | null
          outbound_bandwidth: number | null
          price_currency: string
          price_hourly: number | null
          price_monthly: number | null
          provider: string
          quota: number | null
          raw_data: Json | null
          regions: NonNullable<Json>
          search_text: string | null
          stock_status: string | null
          transfer_tb: number | null
          updated_at: string
        }
        ComputedFields: never
        Relationships: [
          {
            foreignKeyName: 'instances_provider_fkey'
            columns: ['provider']
            isOneToOne: false
            referencedRelation: 'providers'
            referencedColumns: ['provider']
          },
        ]
      }
      instances_with_country: {
        Row: {
          available: boolean
          bandwidth_mbps: number | null
          capabilities: Json | null
          country: string | null
          cpu_cores: number | null
          cpu_manufacturer: string | null
          cpu_mhz: number | null
          cpu_model: string | null
          cpu_threads: number | null
          created_at: string
          data_source_timestamp: string | null
          description: string | null
          disk_count: number | null
          disk_gb: number | null
          disk_type: string | null
          embedding: string | null
          gpu_count: number
          gpu_manufacturer: string | null
          gpu_memory_gb: number | null
          gpu_model: string | null
          id: string
          inbound_bandwidth: number | null
          instance_id: string
          instance_type: string | null
          memory_gb: number | null
          memory_mb: number | null
          name: string | null
          networking_throughput: number | null
          os_type: string | null
          outbound_bandwidth: number | null
          price_currency: string
          price_hourly: number | null
          price_monthly: number | null
          provider: string
          quota: number | null
          raw_data: Json | null
          regions: NonNullable<Json>
          search_text: string | null
          stock_status: string | null
          transfer_tb: number | null
          updated_at: string
        }
        ComputedFields: never
        Relationships: [
          {
            foreignKeyName: 'instances_provider_fkey'
            columns: ['provider']
            isOneToOne: false
            referencedRelation: 'providers'
            referencedColumns: ['provider']
          },
        ]
      }
    }
    Functions: {
      cheapest_price_history: {
        Args: {
          continent_filter?: string
          country_filter?: string
          gpu_count_filter?: number
          gpu_model_filter?: string
          min_memory_gb?: number
          min_vcpu?: number
          since?: string
          target_currency?: string
          until?: string
        }
        Returns: {
          currency: string
          day: string
          instance_id: string
          offer_id: string
          price_hourly: number
          price_monthly: number
          provider: string
        }[]
      }
      compare_prices: {
        Args: {
          gpu_count_filter?: number
          gpu_model_filter?: string
          match_count?: number
          min_memory_gb?: number
          min_vcpu?: number
          target_currency?: string
        }
        Returns: {
          cpu_cores: number
          currency: string
          gpu_count: number
          gpu_model: string
          instance_id: string
          locations: string[]
          memory_gb: number
          name: string
          original_currency: string
          original_price_monthly: number
          price_hourly: number
          price_monthly: number
          provider: string
        }[]
      }
      offer_price_history: {
        Args: { offer_id: string }
        Returns: {
          available: boolean
          price_currency: string
          price_hourly: number
          price_monthly: number
          recorded_at: string
        }[]
      }
      search_instances: {
        Args: {
          available_only?: boolean
          city_filter?: string
          continent_filter?: string
          country_filter?: string
          gpu_model_filter?: string
          match_count?: number
          max_price_hourly?: number
          max_price_monthly?: number
          min_gpu_count?: number
          min_memory_gb?: number
          min_vcpu?: number
          provider_filter?: string
          query_embedding?: string
        }
        Returns: {
          available: boolean
          cpu_cores: number
          gpu_count: number
          gpu_memory_gb: number
          gpu_model: string
          id: string
          instance_id: string
          memory_gb: number
          name: string
          price_currency: string
          price_hourly: number
          price_monthly: number
          provider: string
          regions: Json
          similarity: number
        }[]
      }
      search_packages: {
        Args: {
          category_filter?: number
          cncf_only?: boolean
          exclude_deprecated?: boolean
          full_text_weight?: number
          match_count?: number
          official_only?: boolean
          operator_only?: boolean
          query_embedding?: string
          query_text?: string
          rrf_k?: number
          semantic_weight?: number
          verified_publisher_only?: boolean
        }
        Returns: {
          category: number
          cncf: boolean
          deprecated: boolean
          description: string
          is_operator: boolean
          name: string
          official: boolean
          package_id: string
          repository_verified_publisher: boolean
          score: number
          stars: number
          version: string
        }[]
      }
      sync_currency_rates: { Args: { rate_date: string; rates: Json }; Returns: Json }
      sync_packages: { Args: { snapshot: Json }; Returns: Json }
      sync_provider_snapshot: { Args: { provider_key: string; snapshot: Json }; Returns: Json }
    }
    Enums: {
      message_role: 'assistant' | 'system' | 'user'
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  public: {
    Tables: {
      profiles: {
        Row: {
          created_at: string
          display_name: string | null
          email: string | null
          external_id: string | null
          id: string
          is_admin: boolean
          last_login_at: string | null
          login_count: number
          status: Database['public']['Enums']['profile_status']
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          display_name?: string | null
          email?: string | null
          external_id?: string | null
          id: string
          is_admin?: boolean
          last_login_at?: string | null
          login_count?: number
          status?: Database['public']['Enums']['profile_status']
          updated_at?: string
        }
        Update: {
          created_at?: string
          display_name?: string | null
          email?: string | null
          external_id?: string | null
          id?: string
          is_admin?: boolean
          last_login_at?: string | null
          login_count?: number
          status?: Database['public']['Enums']['profile_status']
          updated_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      conversations: {
        Row: {
          created_at: string
          id: string
          title: string | null
          user_id: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string | null
          id?: string | null
          title?: string | null
          user_id?: string | null
        }
        Update: {
          created_at?: string | null
          id?: string | null
          title?: string | null
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'conversations_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'profiles'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'conversations_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      embedding_dead_letters: {
        Row: {
          attempts: number
          created_at: string
          id: number
          last_error: string | null
          target_id: string
          target_schema: string
          target_table: string
          updated_at: string
          vector_column: string
        }
        ComputedFields: never
        Insert: {
          attempts?: number | null
          created_at?: string | null
          id?: number | null
          last_error?: string | null
          target_id?: string | null
          target_schema?: string | null
          target_table?: string | null
          updated_at?: string | null
          vector_column?: string | null
        }
        Update: {
          attempts?: number | null
          created_at?: string | null
          id?: number | null
          last_error?: string | null
          target_id?: string | null
          target_schema?: string | null
          target_table?: string | null
          updated_at?: string | null
          vector_column?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'embedding_jobs_target_schema_target_table_vector_column_fkey'
            columns: ['target_schema', 'target_table', 'vector_column']
            isOneToOne: false
            referencedRelation: 'embedding_queue_stats'
            referencedColumns: ['target_schema', 'target_table', 'vector_column']
          },
        ]
      }
      embedding_provider_usage: {
        Row: {
          failed_requests: number | null
          inputs: number | null
          last_request_at: string | null
          model: string
          provider: string
          requests: number | null
          tokens: number | null
        }
        ComputedFields: never
        Relationships: []
      }
      embedding_queue_stats: {
        Row: {
          dead: number | null
          done: number | null
          embedded_rows: number | null
          failed_retrying: number | null
          oldest_pending_seconds: number | null
          pending: number | null
          running: number | null
          superseded: number | null
          target_schema: string
          target_table: string
          vector_column: string
        }
        ComputedFields: never
        Relationships: []
      }
      messages: {
        Row: {
          content: string
          conversation_id: string
          created_at: string
          id: string
          role: Database['cloud']['Enums']['message_role']
        }
        ComputedFields: never
        Insert: {
          content?: string | null
          conversation_id?: string | null
          created_at?: string | null
          id?: string | null
          role?: Database['cloud']['Enums']['message_role'] | null
        }
        Update: {
          content?: string | null
          conversation_id?: string | null
          created_at?: string | null
          id?: string | null
          role?: Database['cloud']['Enums']['message_role'] | null
        }
        Relationships: [
          {
            foreignKeyName: 'messages_conversation_id_fkey'
            columns: ['conversation_id']
            isOneToOne: false
            referencedRelation: 'conversations'
            referencedColumns: ['id']
          },
        ]
      }
      users: {
        Row: {
          created_at: string
          email: string | null
          first_name: string | null
          id: string
          last_name: string | null
        }
        ComputedFields: never
        Insert: {
          created_at?: string | null
          email?: string | null
          first_name?: never
          id?: string | null
          last_name?: never
        }
        Update: {
          created_at?: string | null
          email?: string | null
          first_name?: never
          id?: string | null
          last_name?: never
        }
        Relationships: []
      }
    }
    Functions: {
      get_stale_content: {
        Args: { domain: string; max_age: string }
        Returns: {
          age: string
          content_hash: string
          id: string
          scraped_at: string
          title: string
          url: string
        }[]
      }
      search_embeddings: {
        Args: { domain: string; k?: number; query: string }
        Returns: {
          chunk_text: string
          id: string
          metadata: Json
          page_id: string
          score: number
          similarity: number
          title: string
          url: string
        }[]
      }
    }
    Enums: {
      profile_status: 'active' | 'deleted' | 'suspended'
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  sites: {
    Tables: {
      ai_optimized_content: {
        Row: {
          ai_model_used: string | null
          content_quality_score: number | null
          content_type: string
          created_at: string
          domain_id: string
          id: string
          key_points: NonNullable<Json>
          keywords: string[] | null
          meta_description: string | null
          meta_title: string | null
          optimized_content: string | null
          optimized_summary: string | null
          optimized_title: string | null
          processed_at: string | null
          processing_cost: number | null
          processing_tokens: number | null
          processing_version: string | null
          raw_content: string | null
          raw_html: string | null
          readability_score: number | null
          seo_score: number | null
          source_content_id: string | null
          structured_data: NonNullable<Json>
          topics: NonNullable<Json>
          updated_at: string
          url: string
        }
        ComputedFields: never
        Insert: {
          ai_model_used?: string | null
          content_quality_score?: number | null
          content_type: string
          created_at?: string
          domain_id: string
          id?: string
          key_points?: NonNullable<Json>
          keywords?: string[] | null
          meta_description?: string | null
          meta_title?: string | null
          optimized_content?: string | null
          optimized_summary?: string | null
          optimized_title?: string | null
          processed_at?: string | null
          processing_cost?: number | null
          processing_tokens?: number | null
          processing_version?: string | null
          raw_content?: string | null
          raw_html?: string | null
          readability_score?: number | null
          seo_score?: number | null
          source_content_id?: string | null
          structured_data?: NonNullable<Json>
          topics?: NonNullable<Json>
          updated_at?: string
          url: string
        }
        Update: {
          ai_model_used?: string | null
          content_quality_score?: number | null
          content_type?: string
          created_at?: string
          domain_id?: string
          id?: string
          key_points?: NonNullable<Json>
          keywords?: string[] | null
          meta_description?: string | null
          meta_title?: string | null
          optimized_content?: string | null
          optimized_summary?: string | null
          optimized_title?: string | null
          processed_at?: string | null
          processing_cost?: number | null
          processing_tokens?: number | null
          processing_version?: string | null
          raw_content?: string | null
          raw_html?: string | null
          readability_score?: number | null
          seo_score?: number | null
          source_content_id?: string | null
          structured_data?: NonNullable<Json>
          topics?: NonNullable<Json>
          updated_at?: string
          url?: string
        }
        Relationships: [
          {
            foreignKeyName: 'ai_optimized_content_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'ai_optimized_content_source_content_id_fkey'
            columns: ['source_content_id']
            isOneToOne: false
            referencedRelation: 'website_content'
            referencedColumns: ['id']
          },
        ]
      }
      business_configs: {
        Row: {
          business_id: string
          created_at: string
          id: string
          limits: NonNullable<Json>
          settings: NonNullable<Json>
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          business_id: string
          created_at?: string
          id?: string
          limits?: NonNullable<Json>
          settings?: NonNullable<Json>
          updated_at?: string
        }
        Update: {
          business_id?: string
          created_at?: string
          id?: string
          limits?: NonNullable<Json>
          settings?: NonNullable<Json>
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'business_configs_business_id_fkey'
            columns: ['business_id']
            isOneToOne: true
            referencedRelation: 'businesses'
            referencedColumns: ['id']
          },
        ]
      }
      business_usage: {
        Row: {
          business_id: string
          created_at: string
          embedding_requests: number
          id: string
          messages: number
          pages_crawled: number
          period_start: string
          tokens: number
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          business_id: string
          created_at?: string
          embedding_requests?: number
          id?: string
          messages?: number
          pages_crawled?: number
          period_start: string
          tokens?: number
          updated_at?: string
        }
        Update: {
          business_id?: string
          created_at?: string
          embedding_requests?: number
          id?: string
          messages?: number
          pages_crawled?: number
          period_start?: string
          tokens?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'business_usage_business_id_fkey'
            columns: ['business_id']
            isOneToOne: false
            referencedRelation: 'businesses'
            referencedColumns: ['id']
          },
        ]
      }
      businesses: {
        Row: {
          created_at: string
          id: string
          name: string
          owner_user_id: string
          plan: Database['sites']['Enums']['business_plan']
          slug: string
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          id?: string
          name: string
          owner_user_id?: string
          plan?: Database['sites']['Enums']['business_plan']
          slug: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          owner_user_id?: string
          plan?: Database['sites']['Enums']['business_plan']
          slug?: string
          updated_at?: string
        }
        Relationships: []
      }
      content_hashes: {
        Row: {
          change_count: number
          content_hash: string
          domain_id: string
          first_seen_at: string
          id: string
          last_changed_at: string
          last_seen_at: string
          url: string
        }
        ComputedFields: never
        Insert: {
          change_count?: number
          content_hash: string
          domain_id: string
          first_seen_at?: string
          id?: string
          last_changed_at?: string
          last_seen_at?: string
          url: string
        }
        Update: {
          change_count?: number
          content_hash?: string
          domain_id?: string
          first_seen_at?: string
          id?: string
          last_changed_at?: string
          last_seen_at?: string
          url?: string
        }
        Relationships: [
          {
            foreignKeyName: 'content_hashes_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      content_refresh_jobs: {
        Row: {
          completed_at: string | null
          created_at: string
          domain_id: string
          error_message: string | null
          id: string
          job_type: Database['sites']['Enums']['refresh_job_type']
          lease_holder: string | null
          lease_until: string | null
          metadata: NonNullable<Json>
          started_at: string | null
          status: Database['sites']['Enums']['refresh_job_status']
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          completed_at?: string | null
          created_at?: string
          domain_id: string
          error_message?: string | null
          id?: string
          job_type: Database['sites']['Enums']['refresh_job_type']
          lease_holder?: string | null
          lease_until?: string | null
          metadata?: NonNullable<Json>
          started_at?: string | null
          status?: Database['sites']['Enums']['refresh_job_status']
          updated_at?: string
        }
        Update: {
          completed_at?: string | null
          created_at?: string
          domain_id?: string
          error_message?: string | null
          id?: string
          job_type?: Database['sites']['Enums']['refresh_job_type']
          lease_holder?: string | null
          lease_until?: string | null
          metadata?: NonNullable<Json>
          started_at?: string | null
          status?: Database['sites']['Enums']['refresh_job_status']
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'content_refresh_jobs_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      conversations: {
        Row: {
          created_at: string
          customer_id: string | null
          domain_id: string
          ended_at: string | null
          id: string
          metadata: NonNullable<Json>
          session_id: string | null
          started_at: string
          visitor_email: string | null
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          customer_id?: string | null
          domain_id: string
          ended_at?: string | null
          id?: string
          metadata?: NonNullable<Json>
          session_id?: string | null
          started_at?: string
          visitor_email?: string | null
        }
        Update: {
          created_at?: string
          customer_id?: string | null
          domain_id?: string
          ended_at?: string | null
          id?: string
          metadata?: NonNullable<Json>
          session_id?: string | null
          started_at?: string
          visitor_email?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'conversations_customer_id_fkey'
            columns: ['customer_id']
            isOneToOne: false
            referencedRelation: 'customers'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'conversations_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      customer_access_logs: {
        Row: {
          action: string
          actor: string
          created_at: string
          details: NonNullable<Json>
          domain_id: string
          email: string | null
          id: string
          ip_hash: string | null
          resource: string | null
          session_id: string | null
        }
        ComputedFields: never
        Insert: {
          action: string
          actor: string
          created_at?: string
          details?: NonNullable<Json>
          domain_id: string
          email?: string | null
          id?: string
          ip_hash?: string | null
          resource?: string | null
          session_id?: string | null
        }
        Update: {
          action?: string
          actor?: string
          created_at?: string
          details?: NonNullable<Json>
          domain_id?: string
          email?: string | null
          id?: string
          ip_hash?: string | null
          resource?: string | null
          session_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'customer_access_logs_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      customer_configs: {
        Row: {
          active: boolean
          allowed_origins: string[]
          business_description: string | null
          business_name: string | null
          created_at: string
          customer_id: string
          domain: string
          id: string
          native_app_key: string | null
          owned_domains: string[]
          primary_color: string
          rate_limit: number
          site_rate_limit: number
          suggested_questions: NonNullable<Json>
          updated_at: string
          welcome_message: string | null
          woocommerce_url: string | null
        }
        ComputedFields: never
        Insert: {
          active?: boolean
          allowed_origins?: string[]
          business_description?: string | null
          business_name?: string | null
          created_at?: string
          customer_id: string
          domain: string
          id?: string
          native_app_key?: string | null
          owned_domains?: string[]
          primary_color?: string
          rate_limit?: number
          site_rate_limit?: number
          suggested_questions?: NonNullable<Json>
          updated_at?: string
          welcome_message?: string | null
          woocommerce_url?: string | null
        }
        Update: {
          active?: boolean
          allowed_origins?: string[]
          business_description?: string | null
          business_name?: string | null
          created_at?: string
          customer_id?: string
          domain?: string
          id?: string
          native_app_key?: string | null
          owned_domains?: string[]
          primary_color?: string
          rate_limit?: number
          site_rate_limit?: number
          suggested_questions?: NonNullable<Json>
          updated_at?: string
          welcome_message?: string | null
          woocommerce_url?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'customer_configs_customer_id_fkey'
            columns: ['customer_id']
            isOneToOne: false
            referencedRelation: 'customers'
            referencedColumns: ['id']
          },
        ]
      }
      customer_data_cache: {
        Row: {
          cache_key: string
          created_at: string
          data: NonNullable<Json>
          domain_id: string
          email: string | null
          expires_at: string
          id: string
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          cache_key: string
          created_at?: string
          data: NonNullable<Json>
          domain_id: string
          email?: string | null
          expires_at: string
          id?: string
          updated_at?: string
        }
        Update: {
          cache_key?: string
          created_at?: string
          data?: NonNullable<Json>
          domain_id?: string
          email?: string | null
          expires_at?: string
          id?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'customer_data_cache_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      customer_verifications: {
        Row: {
          attempts: number
          code_hash: string | null
          created_at: string
          domain_id: string
          email: string
          expires_at: string
          id: string
          method: Database['sites']['Enums']['verification_method']
          order_number: string | null
          purpose: Database['sites']['Enums']['verification_purpose']
          session_id: string | null
          verified_at: string | null
        }
        ComputedFields: never
        Insert: {
          attempts?: number
          code_hash?: string | null
          created_at?: string
          domain_id: string
          email: string
          expires_at: string
          id?: string
          method: Database['sites']['Enums']['verification_method']
          order_number?: string | null
          purpose: Database['sites']['Enums']['verification_purpose']
          session_id?: string | null
          verified_at?: string | null
        }
        Update: {
          attempts?: number
          code_hash?: string | null
          created_at?: string
          domain_id?: string
          email?: string
          expires_at?: string
          id?: string
          method?: Database['sites']['Enums']['verification_method']
          order_number?: string | null
          purpose?: Database['sites']['Enums']['verification_purpose']
          session_id?: string | null
          verified_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'customer_verifications_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      customers: {
        Row: {
          auth_user_id: string | null
          company_name: string | null
          created_at: string
          email: string
          id: string
          name: string | null
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          auth_user_id?: string | null
          company_name?: string | null
          created_at?: string
          email: string
          id?: string
          name?: string | null
          updated_at?: string
        }
        Update: {
          auth_user_id?: string | null
          company_name?: string | null
          created_at?: string
          email?: string
          id?: string
          name?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      domain_patterns: {
        Row: {
          confidence: number
          domain_id: string
          id: string
          learned_at: string
          pattern: NonNullable<Json>
          pattern_type: Database['sites']['Enums']['domain_pattern_type']
          platform: Database['sites']['Enums']['site_platform'] | null
          sample_count: number
          updated_at: string
        }
        ComputedFields: never
        Insert: {
          confidence?: number
          domain_id: string
          id?: string
          learned_at?: string
          pattern?: NonNullable<Json>
          pattern_type: Database['sites']['Enums']['domain_pattern_type']
          platform?: Database['sites']['Enums']['site_platform'] | null
          sample_count?: number
          updated_at?: string
        }
        Update: {
          confidence?: number
          domain_id?: string
          id?: string
          learned_at?: string
          pattern?: NonNullable<Json>
          pattern_type?: Database['sites']['Enums']['domain_pattern_type']
          platform?: Database['sites']['Enums']['site_platform'] | null
          sample_count?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: 'domain_patterns_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      domains: {
        Row: {
          active: boolean
          business_id: string | null
          created_at: string
          description: string | null
          domain: string
          id: string
          last_content_refresh: string | null
          last_scraped_at: string | null
          name: string | null
          scrape_frequency: Database['sites']['Enums']['scrape_frequency']
          updated_at: string
          user_id: string
          verification_checked_at: string | null
          verification_error: string | null
          verification_failures: number
          verification_token: string
          verified_at: string | null
        }
        ComputedFields: never
        Insert: {
          active?: boolean
          business_id?: string | null
          created_at?: string
          description?: string | null
          domain: string
          id?: string
          last_content_refresh?: string | null
          last_scraped_at?: string | null
          name?: string | null
          scrape_frequency?: Database['sites']['Enums']['scrape_frequency']
          updated_at?: string
          user_id?: string
          verification_checked_at?: string | null
          verification_error?: string | null
          verification_failures?: number
          verification_token?: string
          verified_at?: string | null
        }
        Update: {
          active?: boolean
          business_id?: string | null
          created_at?: string
          description?: string | null
          domain?: string
          id?: string
          last_content_refresh?: string | null
          last_scraped_at?: string | null
          name?: string | null
          scrape_frequency?: Database['sites']['Enums']['scrape_frequency']
          updated_at?: string
          user_id?: string
          verification_checked_at?: string | null
          verification_error?: string | null
          verification_failures?: number
          verification_token?: string
          verified_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'domains_business_id_fkey'
            columns: ['business_id']
            isOneToOne: false
            referencedRelation: 'businesses'
            referencedColumns: ['id']
          },
        ]
      }
      messages: {
        Row: {
          content: string
          conversation_id: string
          created_at: string
          id: string
          metadata: NonNullable<Json>
          role: Database['sites']['Enums']['message_role']
        }
        ComputedFields: never
        Insert: {
          content: string
          conversation_id: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role: Database['sites']['Enums']['message_role']
        }
        Update: {
          content?: string
          conversation_id?: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role?: Database['sites']['Enums']['message_role']
        }
        Relationships: [
          {
            foreignKeyName: 'messages_conversation_id_fkey'
            columns: ['conversation_id']
            isOneToOne: false
            referencedRelation: 'chat_sessions'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_conversation_id_fkey'
            columns: ['conversation_id']
            isOneToOne: false
            referencedRelation: 'conversations'
            referencedColumns: ['id']
          },
        ]
      }
      page_content_references: {
        Row: {
          anchor_text: string | null
          created_at: string
          domain_id: string
          id: string
          is_internal: boolean
          rel: string | null
          source_page_id: string
          source_url: string
          target_url: string
        }
        ComputedFields: never
        Insert: {
          anchor_text?: string | null
          created_at?: string
          domain_id: string
          id?: string
          is_internal: boolean
          rel?: string | null
          source_page_id: string
          source_url: string
          target_url: string
        }
        Update: {
          anchor_text?: string | null
          created_at?: string
          domain_id?: string
          id?: string
          is_internal?: boolean
          rel?: string | null
          source_page_id?: string
          source_url?: string
          target_url?: string
        }
        Relationships: [
          {
            foreignKeyName: 'page_content_references_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'page_content_references_source_page_id_fkey'
            columns: ['source_page_id']
            isOneToOne: false
            referencedRelation: 'scraped_pages'
            referencedColumns: ['id']
          },
        ]
      }
      page_embeddings: {
        Row: {
          chunk_index: number
          chunk_text: string
          created_at: string
          domain_id: string
          embedding: string | null
          fts: unknown
          id: string
          metadata: NonNullable<Json>
          page_id: string
        }
        ComputedFields: never
        Insert: {
          chunk_index: number
          chunk_text: string
          created_at?: string
          domain_id: string
          embedding?: string | null
          fts?: never
          id?: string
          metadata?: NonNullable<Json>
          page_id: string
        }
        Update: {
          chunk_index?: number
          chunk_text?: string
          created_at?: string
          domain_id?: string
          embedding?: string | null
          fts?: never
          id?: string
          metadata?: NonNullable<Json>
          page_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'page_embeddings_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'page_embeddings_page_id_fkey'
            columns: ['page_id']
            isOneToOne: false
            referencedRelation: 'scraped_pages'
            referencedColumns: ['id']
          },
        ]
      }
      privacy_requests: {
        Row: {
          completed_at: string | null
          created_at: string
          details: NonNullable<Json>
          domain_id: string
          due_at: string
          email: string
          id: string
          regulation: Database['sites']['Enums']['privacy_regulation']
          request_type: Database['sites']['Enums']['privacy_request_type']
          result: Json | null
          status: Database['sites']['Enums']['privacy_request_status']
          updated_at: string
          verification_id: string | null
          verified_at: string | null
        }
        ComputedFields: never
        Insert: {
          completed_at?: string | null
          created_at?: string
          details?: NonNullable<Json>
          domain_id: string
          due_at: string
          email: string
          id?: string
          regulation?: Database['sites']['Enums']['privacy_regulation']
          request_type: Database['sites']['Enums']['privacy_request_type']
          result?: Json | null
          status?: Database['sites']['Enums']['privacy_request_status']
          updated_at?: string
          verification_id?: string | null
          verified_at?: string | null
        }
        Update: {
          completed_at?: string | null
          created_at?: string
          details?: NonNullable<Json>
          domain_id?: string
          due_at?: string
          email?: string
          id?: string
          regulation?: Database['sites']['Enums']['privacy_regulation']
          request_type?: Database['sites']['Enums']['privacy_request_type']
          result?: Json | null
          status?: Database['sites']['Enums']['privacy_request_status']
          updated_at?: string
          verification_id?: string | null
          verified_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'privacy_requests_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'privacy_requests_verification_id_fkey'
            columns: ['verification_id']
            isOneToOne: false
            referencedRelation: 'customer_verifications'
            referencedColumns: ['id']
          },
        ]
      }
      privacy_review_items: {
        Row: {
          conversation_id: string
          created_at: string
          domain_id: string
          id: string
          reason: string
          request_id: string
        }
        ComputedFields: never
        Insert: {
          conversation_id: string
          created_at?: string
          domain_id: string
          id?: string
          reason?: string
          request_id: string
        }
        Update: {
          conversation_id?: string
          created_at?: string
          domain_id?: string
          id?: string
          reason?: string
          request_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'privacy_review_items_conversation_id_fkey'
            columns: ['conversation_id']
            isOneToOne: false
            referencedRelation: 'chat_sessions'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'privacy_review_items_conversation_id_fkey'
            columns: ['conversation_id']
            isOneToOne: false
            referencedRelation: 'conversations'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'privacy_review_items_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'privacy_review_items_request_id_fkey'
            columns: ['request_id']
            isOneToOne: false
            referencedRelation: 'privacy_requests'
            referencedColumns: ['id']
          },
        ]
      }
      scraped_pages: {
        Row: {
          content: string | null
          created_at: string
          domain_id: string
          error_message: string | null
          html: string | null
          id: string
          last_modified: string | null
          metadata: NonNullable<Json>
          scraped_at: string | null
          status: Database['sites']['Enums']['scraped_page_status']
          title: string | null
          url: string
        }
        ComputedFields: never
        Insert: {
          content?: string | null
          created_at?: string
          domain_id: string
          error_message?: string | null
          html?: string | null
          id?: string
          last_modified?: string | null
          metadata?: NonNullable<Json>
          scraped_at?: string | null
          status?: Database['sites']['Enums']['scraped_page_status']
          title?: string | null
          url: string
        }
        Update: {
          content?: string | null
          created_at?: string
          domain_id?: string
          error_message?: string | null
          html?: string | null
          id?: string
          last_modified?: string | null
          metadata?: NonNullable<Json>
          scraped_at?: string | null
          status?: Database['sites']['Enums']['scraped_page_status']
          title?: string | null
          url?: string
        }
        Relationships: [
          {
            foreignKeyName: 'scraped_pages_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      structured_extractions: {
        Row: {
          confidence_score: number | null
          created_at: string
          domain_id: string
          embedding: string | null
          extract_type: Database['sites']['Enums']['extract_type']
          extracted_at: string | null
          extracted_data: NonNullable<Json>
          fts: unknown
          id: string
          schema_used: Json | null
          search_text: string | null
          url: string
        }
        ComputedFields: never
        Insert: {
          confidence_score?: number | null
          created_at?: string
          domain_id: string
          embedding?: string | null
          extract_type: Database['sites']['Enums']['extract_type']
          extracted_at?: string | null
          extracted_data: NonNullable<Json>
          fts?: never
          id?: string
          schema_used?: Json | null
          search_text?: never
          url: string
        }
        Update: {
          confidence_score?: number | null
          created_at?: string
          domain_id?: string
          embedding?: string | null
          extract_type?: Database['sites']['Enums']['extract_type']
          extracted_at?: string | null
          extracted_data?: NonNullable<Json>
          fts?: never
          id?: string
          schema_used?: Json | null
          search_text?: never
          url?: string
        }
        Relationships: [
          {
            foreignKeyName: 'structured_extractions_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      training_data: {
        Row: {
          created_at: string
          domain_id: string
          embedding: string | null
          fts: unknown
          id: string
          input_text: string
          metadata: NonNullable<Json>
          output_text: string
          search_text: string | null
          status: Database['sites']['Enums']['training_data_status']
          type: Database['sites']['Enums']['training_data_type']
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          domain_id: string
          embedding?: string | null
          fts?: never
          id?: string
          input_text: string
          metadata?: NonNullable<Json>
          output_text: string
          search_text?: never
          status?: Database['sites']['Enums']['training_data_status']
          type: Database['sites']['Enums']['training_data_type']
          updated_at?: string
          user_id?: string
        }
        Update: {
          created_at?: string
          domain_id?: string
          embedding?: string | null
          fts?: never
          id?: string
          input_text?: string
          metadata?: NonNullable<Json>
          output_text?: string
          search_text?: never
          status?: Database['sites']['Enums']['training_data_status']
          type?: Database['sites']['Enums']['training_data_type']
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'training_data_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      website_content: {
        Row: {
          content: string | null
          content_hash: string | null
          content_type: string | null
          created_at: string
          domain_id: string
          id: string
          metadata: NonNullable<Json>
          scraped_at: string | null
          summary: string | null
          title: string | null
          updated_at: string
          url: string
        }
        ComputedFields: never
        Insert: {
          content?: string | null
          content_hash?: string | null
          content_type?: string | null
          created_at?: string
          domain_id: string
          id?: string
          metadata?: NonNullable<Json>
          scraped_at?: string | null
          summary?: string | null
          title?: string | null
          updated_at?: string
          url: string
        }
        Update: {
          content?: string | null
          content_hash?: string | null
          content_type?: string | null
          created_at?: string
          domain_id?: string
          id?: string
          metadata?: NonNullable<Json>
          scraped_at?: string | null
          summary?: string | null
          title?: string | null
          updated_at?: string
          url?: string
        }
        Relationships: [
          {
            foreignKeyName: 'website_content_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Views: {
      chat_messages: {
        Row: {
          content: string
          created_at: string
          id: string
          metadata: NonNullable<Json>
          role: Database['sites']['Enums']['message_role']
          session_id: string
          session_key: string | null
        }
        ComputedFields: never
        Relationships: [
          {
            foreignKeyName: 'messages_conversation_id_fkey'
            columns: ['session_id']
            isOneToOne: false
            referencedRelation: 'chat_sessions'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_conversation_id_fkey'
            columns: ['session_id']
            isOneToOne: false
            referencedRelation: 'conversations'
            referencedColumns: ['id']
          },
        ]
      }
      chat_sessions: {
        Row: {
          created_at: string
          customer_id: string | null
          domain_id: string
          ended_at: string | null
          id: string
          last_message_at: string | null
          message_count: number | null
          metadata: NonNullable<Json>
          session_id: string | null
          started_at: string
          visitor_email: string | null
        }
        ComputedFields: never
        Insert: {
          created_at?: string | null
          customer_id?: string | null
          domain_id?: string | null
          ended_at?: string | null
          id?: string | null
          last_message_at?: never
          message_count?: never
          metadata?: Json | null
          session_id?: string | null
          started_at?: string | null
          visitor_email?: string | null
        }
        Update: {
          created_at?: string | null
          customer_id?: string | null
          domain_id?: string | null
          ended_at?: string | null
          id?: string | null
          last_message_at?: never
          message_count?: never
          metadata?: Json | null
          session_id?: string | null
          started_at?: string | null
          visitor_email?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'conversations_customer_id_fkey'
            columns: ['customer_id']
            isOneToOne: false
            referencedRelation: 'customers'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'conversations_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
        ]
      }
      crawl_report: {
        Row: {
          attempts: number
          depth: number
          detail: string | null
          discovered_from: string | null
          domain_id: string
          http_status: number | null
          job_id: string
          outcome: string | null
          result: string | null
          updated_at: string
          url: string
        }
        ComputedFields: never
        Relationships: [
          {
            foreignKeyName: 'content_refresh_jobs_domain_id_fkey'
            columns: ['domain_id']
            isOneToOne: false
            referencedRelation: 'domains'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'crawl_frontier_job_id_fkey'
            columns: ['job_id']
            isOneToOne: false
            referencedRelation: 'content_refresh_jobs'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Functions: {
      chat_usage_check: {
        Args: { target_domain: string }
        Returns: {
          allowed: boolean
          limit_name: string
          limit_value: number
          used: number
        }[]
      }
      check_privacy_code: { Args: { presented_code_hash: string; request: string }; Returns: string }
      check_verification: { Args: { presented_code_hash: string; verification: string }; Returns: string }
      claim_crawl_urls: {
        Args: { at?: string; job: string; lease_seconds: number; n: number }
        Returns: {
          attempts: number
          depth: number
          etag: string
          last_modified: string
          redirects: number
          url: string
        }[]
      }
      crawl_jobs_ready: { Args: { at?: string; max_jobs?: number }; Returns: string[] }
      domains_due_for_recheck: {
        Args: { max_domains?: number }
        Returns: {
          domain: string
          id: string
          verification_token: string
        }[]
      }
      end_crawl: { Args: { final_status: string; job: string; message?: string }; Returns: string }
      enqueue_crawl_urls: { Args: { job: string; urls: Json }; Returns: number }
      finish_crawl_if_done: { Args: { job: string }; Returns: string }
      get_stale_content: {
        Args: { domain: string; max_age: string }
        Returns: {
          age: string
          content_hash: string
          id: string
          scraped_at: string
          title: string
          url: string
        }[]
      }
      lease_crawl_job: {
        Args: { at?: string; holder?: string; job: string; lease_seconds: number }
        Returns: {
          completed_at: string | null
          created_at: string
          domain_id: string
          error_message: string | null
          id: string
          job_type: Database['sites']['Enums']['refresh_job_type']
          lease_holder: string | null
          lease_until: string | null
          metadata: NonNullable<Json>
          started_at: string | null
          status: Database['sites']['Enums']['refresh_job_status']
          updated_at: string
        }
        SetofOptions: {
          from: '*'
          to: 'content_refresh_jobs'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      note_crawl_discovery: {
        Args: {
          crawl_delay_seconds: number
          job: string
          origin: string
          robots_txt: string
          sitemaps: Json
          skipped_robots?: number
        }
        Returns: undefined
      }
      open_privacy_request: {
        Args: {
          client_hash: string
          code_hash: string
          details: Json
          regulation: string
          request_type: string
          subject_email: string
          target_domain: string
        }
        Returns: {
          due_at: string
          outcome: string
          request_id: string
          retry_after_seconds: number
        }[]
      }
      privacy_erase: {
        Args: { request: string; subject_email: string; target_domain: string }
        Returns: Json
      }
      privacy_export: { Args: { subject_email: string; target_domain: string }; Returns: Json }
      privacy_flag_mentions: { Args: { request: string }; Returns: number }
      record_chat_turn: {
        Args: {
          answer: string
          answer_metadata: Json
          conversation: string
          customer: string
          question: string
          session: string
          target_domain: string
          tokens: number
          visitor_email?: string
        }
        Returns: string
      }
      record_crawl_result: { Args: { job: string; result: Json }; Returns: Json }
      record_domain_verification: {
        Args: { error?: string; outcome: string; target_domain: string }
        Returns: Json
      }
      release_chat_message: { Args: { target_domain: string }; Returns: undefined }
      release_crawl_job: { Args: { job: string }; Returns: undefined }
      renew_crawl_lease: {
        Args: { at?: string; holder: string; job: string; lease_seconds: number }
        Returns: boolean
      }
      reserve_chat_message: {
        Args: { target_domain: string }
        Returns: {
          allowed: boolean
          limit_name: string
          limit_value: number
          used: number
        }[]
      }
      rotate_native_app_key: { Args: { config_id: string }; Returns: string }
      search_embeddings:
        | {
            Args: { domain: string; k?: number; query: string }
            Returns: {
              chunk_text: string
              id: string
              metadata: Json
              page_id: string
              score: number
              similarity: number
              title: string
              url: string
            }[]
          }
        | {
            Args: { domain: string; k?: number; query: string; query_embedding: string }
            Returns: {
              chunk_text: string
              id: string
              metadata: Json
              page_id: string
              score: number
              similarity: number
              title: string
              url: string
            }[]
          }
      search_knowledge: {
        Args: { k?: number; query: string; query_embedding: string; target_domain: string }
        Returns: {
          content: string
          data: Json
          id: string
          kind: string
          score: number
          title: string
          url: string
        }[]
      }
      start_crawl: {
        Args: { max_depth?: number; max_pages?: number; target_domain: string }
        Returns: {
          completed_at: string | null
          created_at: string
          domain_id: string
          error_message: string | null
          id: string
          job_type: Database['sites']['Enums']['refresh_job_type']
          lease_holder: string | null
          lease_until: string | null
          metadata: NonNullable<Json>
          started_at: string | null
          status: Database['sites']['Enums']['refresh_job_status']
          updated_at: string
        }
        SetofOptions: {
          from: '*'
          to: 'content_refresh_jobs'
          isOneToOne: true
          isSetofReturn: false
        }
      }
      start_due_crawls: { Args: Record<PropertyKey, never>; Returns: string[] }
      take_chat_rate_limit: {
        Args: { buckets: string[]; config: string; limits: number[] }
        Returns: {
          allowed: boolean
          refused_bucket: string
          retry_after_seconds: number
        }[]
      }
    }
    Enums: {
      business_plan: 'enterprise' | 'free' | 'pro'
      domain_pattern_type: 'platform' | 'robots' | 'sitemap'
      extract_type: 'article' | 'breadcrumb' | 'contact' | 'faq' | 'organization' | 'other' | 'product'
      message_role: 'assistant' | 'system' | 'user'
      privacy_regulation: 'ccpa' | 'gdpr'
      privacy_request_status: 'completed' | 'pending_verification' | 'processing' | 'rejected' | 'verified'
      privacy_request_type: 'access' | 'delete' | 'rectify'
      refresh_job_status: 'cancelled' | 'completed' | 'failed' | 'pending' | 'running'
      refresh_job_type: 'crawl' | 'refresh'
      scrape_frequency: 'daily' | 'monthly' | 'weekly'
      scraped_page_status: 'failed' | 'pending' | 'scraped' | 'skipped'
      site_platform: 'generic' | 'shopify' | 'woocommerce' | 'wordpress'
      training_data_status: 'approved' | 'pending' | 'rejected'
      training_data_type: 'correction' | 'instruction' | 'qa' | 'snippet'
      verification_method: 'email_code' | 'order_number'
      verification_purpose: 'order_access' | 'privacy_request'
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  studio: {
    Tables: {
      api_keys: {
        Row: {
          api_key_encrypted: NonNullable<Json>
          created_at: string
          expires_at: string | null
          id: string
          is_active: boolean
          key_last4: string
          last_used_at: string | null
          name: string
          provider: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          api_key_encrypted: NonNullable<Json>
          created_at?: string
          expires_at?: string | null
          id?: string
          is_active?: boolean
          key_last4: string
          last_used_at?: string | null
          name: string
          provider: string
          user_id?: string
        }
        Update: {
          api_key_encrypted?: NonNullable<Json>
          created_at?: string
          expires_at?: string | null
          id?: string
          is_active?: boolean
          key_last4?: string
          last_used_at?: string | null
          name?: string
          provider?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'api_keys_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      audit_logs: {
        Row: {
          action: Database['studio']['Enums']['audit_action']
          created_at: string
          details: NonNullable<Json>
          id: string
          ip_address: unknown
          resource_id: string
          resource_type: Database['studio']['Enums']['audit_resource_type']
          user_agent: string | null
          user_id: string
        }
        ComputedFields: never
        Insert: {
          action: Database['studio']['Enums']['audit_action']
          created_at?: string
          details?: NonNullable<Json>
          id?: string
          ip_address?: unknown
          resource_id: string
          resource_type: Database['studio']['Enums']['audit_resource_type']
          user_agent?: string | null
          user_id: string
        }
        Update: {
          action?: Database['studio']['Enums']['audit_action']
          created_at?: string
          details?: NonNullable<Json>
          id?: string
          ip_address?: unknown
          resource_id?: string
          resource_type?: Database['studio']['Enums']['audit_resource_type']
          user_agent?: string | null
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'audit_logs_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      chats: {
        Row: {
          context: NonNullable<Json>
          created_at: string
          id: string
          is_archived: boolean
          project_id: string | null
          title: string | null
          updated_at: string
          user_id: string
          messages: Json | null
        }
        ComputedFields: 'messages'
        Insert: {
          context?: NonNullable<Json>
          created_at?: string
          id?: string
          is_archived?: boolean
          project_id?: string | null
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Update: {
          context?: NonNullable<Json>
          created_at?: string
          id?: string
          is_archived?: boolean
          project_id?: string | null
          title?: string | null
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'chats_project_id_fkey'
            columns: ['project_id']
            isOneToOne: false
            referencedRelation: 'projects'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'chats_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      contexts: {
        Row: {
          content: string
          created_at: string
          description: string | null
          id: string
          is_public: boolean
          name: string
          tags: string[]
          type: Database['studio']['Enums']['context_type']
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          content?: string
          created_at?: string
          description?: string | null
          id?: string
          is_public?: boolean
          name: string
          tags?: string[]
          type?: Database['studio']['Enums']['context_type']
          updated_at?: string
          user_id?: string
        }
        Update: {
          content?: string
          created_at?: string
          description?: string | null
          id?: string
          is_public?: boolean
          name?: string
          tags?: string[]
          type?: Database['studio']['Enums']['context_type']
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'contexts_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      edges: {
        Row: {
          client_id: string
          created_at: string
          data: NonNullable<Json>
          graph_id: string
          id: string
          label: string | null
          sort_order: number
          source_handle: string | null
          source_node_id: string
          target_handle: string | null
          target_node_id: string
          type: string | null
        }
        ComputedFields: never
        Insert: {
          client_id: string
          created_at?: string
          data?: NonNullable<Json>
          graph_id: string
          id?: string
          label?: string | null
          sort_order?: number
          source_handle?: string | null
          source_node_id: string
          target_handle?: string | null
          target_node_id: string
          type?: string | null
        }
        Update: {
          client_id?: string
          created_at?: string
          data?: NonNullable<Json>
          graph_id?: string
          id?: string
          label?: string | null
          sort_order?: number
          source_handle?: string | null
          source_node_id?: string
          target_handle?: string | null
          target_node_id?: string
          type?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'edges_graph_id_fkey'
            columns: ['graph_id']
            isOneToOne: false
            referencedRelation: 'graph_documents'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'edges_graph_id_fkey'
            columns: ['graph_id']
            isOneToOne: false
            referencedRelation: 'graphs'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'edges_source_same_graph'
            columns: ['graph_id', 'source_node_id']
            isOneToOne: false
            referencedRelation: 'nodes'
            referencedColumns: ['graph_id', 'id']
          },
          {
            foreignKeyName: 'edges_target_same_graph'
            columns: ['graph_id', 'target_node_id']
            isOneToOne: false
            referencedRelation: 'nodes'
            referencedColumns: ['graph_id', 'id']
          },
        ]
      }
      graphs: {
        Row: {
          created_at: string
          id: string
          is_valid: boolean | null
          name: string
          project_id: string
          updated_at: string
          version: number
          viewport: NonNullable<Json>
          edges: Json | null
          nodes: Json | null
        }
        ComputedFields: 'edges' | 'nodes'
        Insert: {
          created_at?: string
          id?: string
          is_valid?: boolean | null
          name?: string
          project_id: string
          updated_at?: string
          version?: number
          viewport?: NonNullable<Json>
        }
        Update: {
          created_at?: string
          id?: string
          is_valid?: boolean | null
          name?: string
          project_id?: string
          updated_at?: string
          version?: number
          viewport?: NonNullable<Json>
        }
        Relationships: [
          {
            foreignKeyName: 'graphs_project_id_fkey'
            columns: ['project_id']
            isOneToOne: false
            referencedRelation: 'projects'
            referencedColumns: ['id']
          },
        ]
      }
      messages: {
        Row: {
          chat_id: string
          content: string
          created_at: string
          id: string
          metadata: NonNullable<Json>
          role: Database['studio']['Enums']['message_role']
          tokens: number | null
        }
        ComputedFields: never
        Insert: {
          chat_id: string
          content: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role: Database['studio']['Enums']['message_role']
          tokens?: number | null
        }
        Update: {
          chat_id?: string
          content?: string
          created_at?: string
          id?: string
          metadata?: NonNullable<Json>
          role?: Database['studio']['Enums']['message_role']
          tokens?: number | null
        }
        Relationships: [
          {
            foreignKeyName: 'messages_chat_id_fkey'
            columns: ['chat_id']
            isOneToOne: false
            referencedRelation: 'chat_documents'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'messages_chat_id_fkey'
            columns: ['chat_id']
            isOneToOne: false
            referencedRelation: 'chats'
            referencedColumns: ['id']
          },
        ]
      }
      nodes: {
        Row: {
          client_id: string
          created_at: string
          data: NonNullable<Json>
          graph_id: string
          height: number | null
          id: string
          label: string | null
          position: NonNullable<Json>
          sort_order: number
          style: NonNullable<Json>
          type: string
          updated_at: string
          width: number | null
        }
        ComputedFields: never
        Insert: {
          client_id: string
          created_at?: string
          data?: NonNullable<Json>
          graph_id: string
          height?: number | null
          id?: string
          label?: string | null
          position?: NonNullable<Json>
          sort_order?: number
          style?: NonNullable<Json>
          type?: string
          updated_at?: string
          width?: number | null
        }
        Update: {
          client_id?: string
          created_at?: string
          data?: NonNullable<Json>
          graph_id?: string
          height?: number | null
          id?: string
          label?: string | null
          position?: NonNullable<Json>
          sort_order?: number
          style?: NonNullable<Json>
          type?: string
          updated_at?: string
          width?: number | null
        }
        Relationships: [
          {
            foreignKeyName: 'nodes_graph_id_fkey'
            columns: ['graph_id']
            isOneToOne: false
            referencedRelation: 'graph_documents'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'nodes_graph_id_fkey'
            columns: ['graph_id']
            isOneToOne: false
            referencedRelation: 'graphs'
            referencedColumns: ['id']
          },
        ]
      }
      projects: {
        Row: {
          created_at: string
          description: string | null
          id: string
          is_public: boolean
          name: string
          settings: NonNullable<Json>
          status: Database['studio']['Enums']['project_status']
          updated_at: string
          user_id: string
          version: number
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          description?: string | null
          id?: string
          is_public?: boolean
          name: string
          settings?: NonNullable<Json>
          status?: Database['studio']['Enums']['project_status']
          updated_at?: string
          user_id?: string
          version?: number
        }
        Update: {
          created_at?: string
          description?: string | null
          id?: string
          is_public?: boolean
          name?: string
          settings?: NonNullable<Json>
          status?: Database['studio']['Enums']['project_status']
          updated_at?: string
          user_id?: string
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: 'projects_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      templates: {
        Row: {
          category: string
          created_at: string
          description: string | null
          id: string
          is_premium: boolean
          name: string
          thumbnail_url: string | null
          updated_at: string
          usage_count: number
          graph_data: Json | null
        }
        ComputedFields: 'graph_data'
        Insert: {
          category?: string
          created_at?: string
          description?: string | null
          id?: string
          is_premium?: boolean
          name: string
          thumbnail_url?: string | null
          updated_at?: string
          usage_count?: number
        }
        Update: {
          category?: string
          created_at?: string
          description?: string | null
          id?: string
          is_premium?: boolean
          name?: string
          thumbnail_url?: string | null
          updated_at?: string
          usage_count?: number
        }
        Relationships: []
      }
      usage_analytics: {
        Row: {
          count: number
          created_at: string
          id: string
          metric_type: string
          period_end: string
          period_start: string
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          count?: number
          created_at?: string
          id?: string
          metric_type: string
          period_end: string
          period_start: string
          updated_at?: string
          user_id: string
        }
        Update: {
          count?: number
          created_at?: string
          id?: string
          metric_type?: string
          period_end?: string
          period_start?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'usage_analytics_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      user_settings: {
        Row: {
          created_at: string
          is_active: boolean
          preferences: NonNullable<Json>
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          created_at?: string
          is_active?: boolean
          preferences?: NonNullable<Json>
          updated_at?: string
          user_id?: string
        }
        Update: {
          created_at?: string
          is_active?: boolean
          preferences?: NonNullable<Json>
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: 'user_settings_user_id_fkey'
            columns: ['user_id']
            isOneToOne: true
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
    }
    Views: {
      chat_documents: {
        Row: {
          context: NonNullable<Json>
          created_at: string
          id: string
          is_archived: boolean
          messages: Json | null
          project_id: string | null
          title: string | null
          updated_at: string
          user_id: string
        }
        ComputedFields: never
        Insert: {
          context?: Json | null
          created_at?: string | null
          id?: string | null
          is_archived?: boolean | null
          messages?: never
          project_id?: string | null
          title?: string | null
          updated_at?: string | null
          user_id?: string | null
        }
        Update: {
          context?: Json | null
          created_at?: string | null
          id?: string | null
          is_archived?: boolean | null
          messages?: never
          project_id?: string | null
          title?: string | null
          updated_at?: string | null
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: 'chats_project_id_fkey'
            columns: ['project_id']
            isOneToOne: false
            referencedRelation: 'projects'
            referencedColumns: ['id']
          },
          {
            foreignKeyName: 'chats_user_id_fkey'
            columns: ['user_id']
            isOneToOne: false
            referencedRelation: 'users'
            referencedColumns: ['id']
          },
        ]
      }
      graph_documents: {
        Row: {
          created_at: string
          edges: Json | null
          id: string
          is_valid: boolean | null
          name: string
          nodes: Json | null
          project_id: string
          updated_at: string
          version: number
          viewport: NonNullable<Json>
        }
        ComputedFields: never
        Insert: {
          created_at?: string | null
          edges?: never
          id?: string | null
          is_valid?: boolean | null
          name?: string | null
          nodes?: never
          project_id?: string | null
          updated_at?: string | null
          version?: number | null
          viewport?: Json | null
        }
        Update: {
          created_at?: string | null
          edges?: never
          id?: string | null
          is_valid?: boolean | null
          name?: string | null
          nodes?: never
          project_id?: string | null
          updated_at?: string | null
          version?: number | null
          viewport?: Json | null
        }
        Relationships: [
          {
            foreignKeyName: 'graphs_project_id_fkey'
            columns: ['project_id']
            isOneToOne: false
            referencedRelation: 'projects'
            referencedColumns: ['id']
          },
        ]
      }
      subscription_tiers: {
        Row: {
          currency: string
          display_name: string
          features: NonNullable<Json>
          id: number
          is_active: boolean
          limits: NonNullable<Json>
          name: string
          price_monthly: number
          price_yearly: number
        }
        ComputedFields: never
        Insert: {
          currency?: string | null
          display_name?: string | null
          features?: Json | null
          id?: number | null
          is_active?: boolean | null
          limits?: Json | null
          name?: string | null
          price_monthly?: number | null
          price_yearly?: number | null
        }
        Update: {
          currency?: string | null
          display_name?: string | null
          features?: Json | null
          id?: number | null
          is_active?: boolean | null
          limits?: Json | null
          name?: string | null
          price_monthly?: number | null
          price_yearly?: number | null
        }
        Relationships: []
      }
      users: {
        Row: {
          created_at: string
          email: string | null
          id: string
          is_active: boolean | null
          last_sign_in_at: string | null
          preferences: Json | null
          subscription_tier: string | null
          updated_at: string | null
        }
        ComputedFields: never
        Update: {
          created_at?: string | null
          email?: string | null
          id?: string | null
          is_active?: boolean | null
          last_sign_in_at?: string | null
          preferences?: Json | null
          subscription_tier?: string | null
          updated_at?: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      clone_template: { Args: { project_name?: string; template_id: string }; Returns: Json }
      consume_generation: { Args: { target_user: string }; Returns: Json }
      edges: {
        Args: {
          graph: Omit<
            Database['studio']['Tables']['graphs']['Row'],
            Database['studio']['Tables']['graphs']['ComputedFields']
          >
        }
        Returns: Json
      }
      graph_data: {
        Args: {
          template: Omit<
            Database['studio']['Tables']['templates']['Row'],
            Database['studio']['Tables']['templates']['ComputedFields']
          >
        }
        Returns: Json
      }
      messages: {
        Args: {
          chat: Omit<
            Database['studio']['Tables']['chats']['Row'],
            Database['studio']['Tables']['chats']['ComputedFields']
          >
        }
        Returns: Json
      }
      nodes: {
        Args: {
          graph: Omit<
            Database['studio']['Tables']['graphs']['Row'],
            Database['studio']['Tables']['graphs']['ComputedFields']
          >
        }
        Returns: Json
      }
      record_usage: { Args: { amount?: number; metric: string; target_user: string }; Returns: number }
      refund_generation: { Args: { target_user: string }; Returns: number }
      save_graph: { Args: { document: Json; expected_version: number; graph_id: string }; Returns: Json }
      template_graph: { Args: { template_id: string }; Returns: Json }
    }
    Enums: {
      audit_action: 'create' | 'delete' | 'tier_change' | 'update'
      audit_resource_type: 'api_key' | 'graph' | 'project' | 'subscription_tier'
      context_type: 'json' | 'text' | 'yaml'
      message_role: 'assistant' | 'system' | 'user'
      project_status: 'active' | 'archived' | 'draft'
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, 'public'>]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    keyof (DefaultSchema['Tables'] & DefaultSchema['Views']) | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
    ? (DefaultSchema['Tables'] & DefaultSchema['Views'])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
    ? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
    ? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    keyof DefaultSchema['Enums'] | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums']
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums'][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums']
    ? DefaultSchema['Enums'][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    keyof DefaultSchema['CompositeTypes'] | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes']
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes'][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema['CompositeTypes']
    ? DefaultSchema['CompositeTypes'][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  agents: {
    Enums: {
      agent_category: [
        'Content Creation',
        'Data Analysis',
        'Development',
        'Finance',
        'General',
        'Language',
        'Marketing',
        'Media',
        'Social Media',
      ],
      agent_runtime_status: ['active', 'pending', 'stopped', 'unhealthy'],
      agent_status: ['active', 'deleted', 'deploying', 'failed', 'inactive', 'pending'],
      delivery_failure: ['abandoned', 'connection_failed', 'runtime_error', 'timeout'],
      delivery_status: ['delivered', 'failed', 'pending'],
      deployment_status: ['cancelled', 'deploying', 'failed', 'pending', 'success'],
    },
  },
  billing: {
    Enums: {
      assignment_state: ['pending', 'active', 'releasing'],
      cluster_status: ['active', 'draining', 'inactive'],
      credit_entry_kind: ['adjustment', 'purchase', 'refund', 'usage'],
      dispute_resolution: ['debited', 'held', 'released'],
      invoice_status: ['failed', 'paid', 'pending', 'refunded', 'void'],
      price_interval: ['month', 'year'],
    },
  },
  cloud: {
    Enums: {
      message_role: ['assistant', 'system', 'user'],
    },
  },
  public: {
    Enums: {
      profile_status: ['active', 'deleted', 'suspended'],
    },
  },
  sites: {
    Enums: {
      business_plan: ['enterprise', 'free', 'pro'],
      domain_pattern_type: ['platform', 'robots', 'sitemap'],
      extract_type: ['article', 'breadcrumb', 'contact', 'faq', 'organization', 'other', 'product'],
      message_role: ['assistant', 'system', 'user'],
      privacy_regulation: ['ccpa', 'gdpr'],
      privacy_request_status: ['completed', 'pending_verification', 'processing', 'rejected', 'verified'],
      privacy_request_type: ['access', 'delete', 'rectify'],
      refresh_job_status: ['cancelled', 'completed', 'failed', 'pending', 'running'],
      refresh_job_type: ['crawl', 'refresh'],
      scrape_frequency: ['daily', 'monthly', 'weekly'],
      scraped_page_status: ['failed', 'pending', 'scraped', 'skipped'],
      site_platform: ['generic', 'shopify', 'woocommerce', 'wordpress'],
      training_data_status: ['approved', 'pending', 'rejected'],
      training_data_type: ['correction', 'instruction', 'qa', 'snippet'],
      verification_method: ['email_code', 'order_number'],
      verification_purpose: ['order_access', 'privacy_request'],
    },
  },
  studio: {
    Enums: {
      audit_action: ['create', 'delete', 'tier_change', 'update'],
      audit_resource_type: ['api_key', 'graph', 'project', 'subscription_tier'],
      context_type: ['json', 'text', 'yaml'],
      message_role: ['assistant', 'system', 'user'],
      project_status: ['active', 'archived', 'draft'],
    },
  },
} as const
